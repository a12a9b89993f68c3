#!/bin/bash
# Counts from 1 to 10, one number every half second: the websocketd classic.
for ((COUNT = 1; COUNT <= 10; COUNT++)); do
  echo $COUNT
  sleep 0.5
done
