"""Reads exported Keras model.py/train.py files without running them (no Keras needed): for each
case folder, writes structure.json with every layer call that has a name= keyword.

usage: keras-structure.py CASES_DIR
"""
import ast
import json
import os
import sys


def literal(node):
    try:
        return ast.literal_eval(node)
    except ValueError:
        return ast.unparse(node)


root = sys.argv[1]
for case in sorted(os.listdir(root)):
    folder = os.path.join(root, case)
    ast.parse(open(os.path.join(folder, "train.py")).read())  # must at least be valid Python
    tree = ast.parse(open(os.path.join(folder, "model.py")).read())
    calls = {}
    for node in ast.walk(tree):
        # layers.Conv2D(...)(x): the outer call's func is the inner, configuring call.
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Call):
            inner = node.func
            keywords = {k.arg: literal(k.value) for k in inner.keywords}
            if "name" in keywords:
                calls[keywords.pop("name")] = {
                    "layer": ast.unparse(inner.func),
                    "args": [literal(a) for a in inner.args],
                    "kwargs": keywords,
                    "inputs": ast.unparse(node.args[0]),
                }
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "keras.Input":
            keywords = {k.arg: literal(k.value) for k in node.keywords}
            calls[keywords["name"]] = {"layer": "keras.Input", "args": [], "kwargs": keywords, "inputs": ""}
    with open(os.path.join(folder, "structure.json"), "w") as f:
        json.dump(calls, f)
