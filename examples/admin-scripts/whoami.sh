#!/bin/sh
# Who the admin route serves: the user the routes file's basicauth admitted.
echo "you are $REMOTE_USER ($AUTH_TYPE)"
