#!/bin/sh
# Writes one line, then stays up without writing (so no SIGPIPE once the
# logger is gone).
echo "the only line"
exec sleep 60
