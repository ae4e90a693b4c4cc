#!/usr/bin/env python3
# Broken on purpose, the beginner's way: a correct echo node that prints without flush=True.
# Its stdout is a pipe, so Python holds the replies in its buffer (unless PYTHONUNBUFFERED is
# set) and the runner never sees the init_ok.
import json
import sys

for line in sys.stdin:
    message = json.loads(line)
    body = message["body"]
    reply = {"in_reply_to": body["msg_id"]}
    if body["type"] == "init":
        reply["type"] = "init_ok"
    elif body["type"] == "echo":
        reply.update(type="echo_ok", echo=body["echo"])
    print(json.dumps({"src": message["dest"], "dest": message["src"], "body": reply}))
