#!/usr/bin/env python3
"""A Maelstrom node in plain Python, as a solver outside this project writes one: echo and
broadcast (values flood to every other node once) over the line protocol on stdin/stdout."""
import json
import sys

node_id = None
peers = []
seen = set()
next_msg_id = 0


def send(dest, body):
    global next_msg_id
    next_msg_id += 1
    body = {**body, "msg_id": next_msg_id}
    sys.stdout.write(json.dumps({"src": node_id, "dest": dest, "body": body}) + "\n")
    sys.stdout.flush()


def reply(request, body):
    send(request["src"], {**body, "in_reply_to": request["body"]["msg_id"]})


for line in sys.stdin:
    request = json.loads(line)
    body = request["body"]
    kind = body["type"]
    if kind == "init":
        node_id = body["node_id"]
        peers = [n for n in body["node_ids"] if n != node_id]
        reply(request, {"type": "init_ok"})
    elif kind == "echo":
        reply(request, {"type": "echo_ok", "echo": body["echo"]})
    elif kind == "topology":
        reply(request, {"type": "topology_ok"})
    elif kind == "broadcast":
        if body["message"] not in seen:
            seen.add(body["message"])
            for peer in peers:
                send(peer, {"type": "gossip", "message": body["message"]})
        reply(request, {"type": "broadcast_ok"})
    elif kind == "gossip":
        seen.add(body["message"])
    elif kind == "read":
        reply(request, {"type": "read_ok", "messages": sorted(seen)})
