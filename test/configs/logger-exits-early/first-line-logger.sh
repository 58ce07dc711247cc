#!/bin/sh
# usage: first-line-logger.sh FILE
# Logs the first line read on stdin to FILE, then exits.
IFS= read -r line
printf 'logged: %s\n' "$line" >> "$1"
