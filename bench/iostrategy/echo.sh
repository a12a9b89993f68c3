#!/bin/sh
# The benchmark's program: /deaf never reads stdin (the hazard), every other path echoes through cat.
case "$PATH_INFO" in
  /deaf) echo ready; exec sleep 1000 ;;
  *) exec cat ;;
esac
