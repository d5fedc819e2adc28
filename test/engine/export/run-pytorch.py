"""Runs exported PyTorch models (and, where a case asks with an export-onnx file, exports them with
torch.onnx) on given inputs, one process for many cases (importing torch is slow).

usage: run-pytorch.py CASES_DIR  -- each sub-folder holds model.py, weights.json, input.json;
writes output.json there (channels-last, like the app), resaved.json (the weights saved back
by the export's save_netcanvas_weights) and state.json (the module's tensors and what was loaded
into each), or error.txt.
"""
import importlib.util
import json
import os
import sys
import traceback
import warnings

import torch

warnings.filterwarnings("ignore")  # torch.onnx's tracer warnings about `if return_logits`
root = sys.argv[1]
for case in sorted(os.listdir(root)):
    folder = os.path.join(root, case)
    try:
        spec = importlib.util.spec_from_file_location(f"exported_{case}", os.path.join(folder, "model.py"))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        classes = [v for v in vars(module).values() if isinstance(v, type) and issubclass(v, torch.nn.Module) and v.__module__ == module.__name__]
        model = classes[0]()
        module.load_netcanvas_weights(model, os.path.join(folder, "weights.json"))
        # And back: what PyTorch saves must be the app's layouts again.
        module.save_netcanvas_weights(model, os.path.join(folder, "resaved.json"))
        # For the layer registry's weights test: every tensor of the module's state (trained by the
        # optimizer or not), and which module tensor each checkpoint role of NODE_LAYERS went into.
        trained = {name for name, p in model.named_parameters() if p.requires_grad}
        state = {name: {"shape": list(t.shape), "trainable": name in trained}
                 for name, t in model.state_dict().items() if not name.endswith("num_batches_tracked")}
        mapped = {node: [[role, f"{attr}.{name}"] for role, name, _ in tensors] for node, (attr, tensors) in module.NODE_LAYERS.items()}
        with open(os.path.join(folder, "state.json"), "w") as f:
            json.dump({"state": state, "mapped": mapped}, f)
        model.eval()
        with open(os.path.join(folder, "input.json")) as f:
            given = json.load(f)
        x = torch.tensor(given["data"], dtype=torch.float32).reshape(given["shape"])
        if x.dim() == 4:
            x = x.permute(0, 3, 1, 2)
        with torch.no_grad():
            y = model(x)
        if y.dim() == 4:
            y = y.permute(0, 2, 3, 1)
        y = y.contiguous()
        with open(os.path.join(folder, "output.json"), "w") as f:
            json.dump({"shape": list(y.shape), "data": y.reshape(-1).tolist()}, f)
        if os.path.exists(os.path.join(folder, "export-onnx")):
            # PyTorch's own ONNX export of the model, for the importer's tests (NCHW, Gemm transB=1).
            torch.onnx.export(model, x[:1], os.path.join(folder, "torch.onnx"), opset_version=13, input_names=["x"],
                              output_names=["y"], dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})
    except Exception:
        with open(os.path.join(folder, "error.txt"), "w") as f:
            f.write(traceback.format_exc())
