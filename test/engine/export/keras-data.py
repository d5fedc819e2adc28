"""Runs the data reader of an exported Keras train.py without Keras (NetCanvas's test environment has
no TensorFlow): the reader's functions are taken from the script as written and run with NumPy on a
segmentation folder; prints the splits' shapes and checksums as JSON.

usage: keras-data.py TRAIN_PY FOLDER LIMIT TEST_LIMIT
"""
import ast
import json
import os
import struct
import sys
import zlib

import numpy as np

path, folder, limit, test_limit = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
tree = ast.parse(open(path).read())
WANTED = {"DatasetError", "PNG_SIGNATURE", "PNG_CHANNELS", "_paeth", "read_png", "_read_image", "_mask_ids", "_mask_classes",
          "_mask_pairs", "mask_folder_layout", "read_mask_folder", "load_mask_folder"}
named = lambda node: getattr(node, "name", None) or (isinstance(node, ast.Assign) and node.targets[0].id)
kept = [node for node in tree.body if named(node) in WANTED]
assert {named(n) for n in kept} == WANTED, sorted(WANTED - {named(n) for n in kept})
scope = {"os": os, "struct": struct, "zlib": zlib, "np": np}
exec(compile(ast.Module(body=kept, type_ignores=[]), path, "exec"), scope)
try:
    train, test = scope["load_mask_folder"](folder, limit, test_limit)
except scope["DatasetError"] as err:
    print(json.dumps({"error": str(err)}))
    sys.exit(0)
describe = lambda split: {"x": list(split[0].shape), "xSum": float(split[0].astype("float64").sum()), "masks": list(split[2].shape),
                          "maskSum": int(split[2].astype("int64").sum()), "maskIds": sorted(int(v) for v in np.unique(split[2]))}
print(json.dumps({"train": describe(train), "test": describe(test) if test else None}))
