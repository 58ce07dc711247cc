#!/bin/sh
# Exists only in angel's cwd, not in sub: must not run (it would show up as sleep 62).
echo "only-top.sh ran in $(pwd)"
exec sleep 62
