/**
 * The dataset readers of the exported train.py, as Python source: the same formats the app reads
 * (IDX folders raw or .gz, CIFAR-10 binary batches, CSV, one sub-folder of images per class,
 * a segmentation folder of images/ and masks/ (../mask-folder-py.ts), `embedded:mnist`), returned channels-last like the app, scaled the same way.
 */
export const PYTHON_DATA = String.raw`
class DatasetError(Exception):
    """A problem with the user's data, reported as an error event of kind "dataset"."""


IDX_NAME = re.compile(r"^(train|t10k)-(images|labels|masks)[-.]idx([13])-ubyte(\.gz)?$")
CIFAR10_NAMES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")


def _read(path):
    with open(path, "rb") as f:
        data = f.read()
    return gzip.decompress(data) if path.endswith(".gz") else data


def _idx_images(path, limit):
    data = _read(path)
    magic, count, rows, cols = struct.unpack(">IIII", data[:16])
    if magic != 2051:
        raise DatasetError(f"{path}: not an IDX image file (magic {magic})")
    count = min(count, limit)
    pixels = torch.frombuffer(bytearray(data[16:16 + count * rows * cols]), dtype=torch.uint8)
    return pixels.reshape(count, rows, cols, 1)


def _idx_labels(path, limit):
    data = _read(path)
    magic, count = struct.unpack(">II", data[:8])
    if magic != 2049:
        raise DatasetError(f"{path}: not an IDX label file (magic {magic})")
    return torch.frombuffer(bytearray(data[8:8 + min(count, limit)]), dtype=torch.uint8).long()


def _class_list(folder):
    path = os.path.join(folder, "classes.txt")
    return [l.strip() for l in open(path, encoding="utf-8") if l.strip()] if os.path.exists(path) else None


def _load_idx(folder, limit, test_limit):
    """IDX images and labels, and per-pixel class masks (train-masks-idx3-ubyte) where the folder has them."""
    found = {}
    for name in os.listdir(folder):
        m = IDX_NAME.match(name)
        if m:
            found[(m.group(1), m.group(2))] = os.path.join(folder, name)
    if ("train", "images") not in found or ("train", "labels") not in found:
        raise DatasetError(f"{folder}: needs train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz]")
    split = lambda part, n: (_idx_images(found[(part, "images")], n), _idx_labels(found[(part, "labels")], n))
    train = split("train", limit)
    test = split("t10k", test_limit) if ("t10k", "images") in found and ("t10k", "labels") in found else None
    classes = int(max(train[1].max().item(), test[1].max().item() if test else 0)) + 1
    data = {"name": os.path.basename(os.path.normpath(folder)), "images": True, "train": train, "test": test,
            "class_names": _class_list(folder) or [str(i) for i in range(max(classes, 10))]}
    if ("train", "masks") in found:
        masks = lambda part, n: _idx_images(found[(part, "masks")], n)[..., 0]
        data["masks"] = {"train": masks("train", limit), "test": masks("t10k", test_limit) if test and ("t10k", "masks") in found else None}
        top = max(int(m.max().item()) for m in data["masks"].values() if m is not None)
        if top >= len(data["class_names"]):
            raise DatasetError(f"{folder}: a mask has class id {top}, but there are {len(data['class_names'])} classes")
        if test and data["masks"]["test"] is None:
            data["test"] = None
    return data


def _load_cifar(folder, limit, test_limit):
    def batches(names, n):
        xs, ys = [], []
        for name in names:
            raw = torch.frombuffer(bytearray(_read(os.path.join(folder, name))), dtype=torch.uint8).reshape(-1, 3073)
            ys.append(raw[:, 0].long())
            xs.append(raw[:, 1:].reshape(-1, 3, 32, 32).permute(0, 2, 3, 1))
        return torch.cat(xs)[:n], torch.cat(ys)[:n]

    names = sorted(os.listdir(folder))
    train_files = [n for n in names if re.match(r"^data_batch_\d+\.bin$", n)]
    test = batches(["test_batch.bin"], test_limit) if "test_batch.bin" in names else None
    meta = os.path.join(folder, "batches.meta.txt")
    class_names = [l.strip() for l in open(meta) if l.strip()] if os.path.exists(meta) else CIFAR10_NAMES
    return {"name": os.path.basename(os.path.normpath(folder)), "images": True, "train": batches(train_files, limit),
            "test": test, "class_names": class_names}


def _load_csv(path, limit, test_limit):
    def table(p):
        with open(p, newline="") as f:
            rows = [r for r in csv.reader(f) if r]
        header = None
        try:
            [float(c) for c in rows[0] if c.strip()]
        except ValueError:
            header = [h.strip().lower() for h in rows.pop(0)]
        return header, rows

    header, rows = table(path)
    label_at = header.index("label") if header and "label" in header else len(rows[0]) - 1
    test_path = os.path.join(os.path.dirname(path), "test.csv") if os.path.basename(path) == "train.csv" else None
    test_rows = table(test_path)[1][:test_limit] if test_path and os.path.exists(test_path) else None
    rows = rows[:limit]
    labels = [r[label_at].strip() for r in rows + (test_rows or [])]
    numeric = all(re.fullmatch(r"\d+", l) for l in labels)
    class_names = [str(i) for i in range(max(int(l) for l in labels) + 1)] if numeric else sorted(set(labels))
    index = {name: i for i, name in enumerate(class_names)}

    def split(part):
        x = torch.tensor([[float(c) for j, c in enumerate(r) if j != label_at] for r in part], dtype=torch.float32)
        y = torch.tensor([int(r[label_at]) if numeric else index[r[label_at].strip()] for r in part], dtype=torch.long)
        return x, y

    train = split(rows)
    test = split(test_rows) if test_rows else None
    # Min-max scale each feature to [0, 1] with the training split's range, as the app does.
    low, high = train[0].min(0).values, train[0].max(0).values
    span = torch.where(high > low, high - low, torch.ones_like(high))
    scale = lambda x: torch.where(high > low, (x - low) / span, torch.zeros_like(x))
    return {"name": os.path.basename(path), "images": False, "train": (scale(train[0]), train[1]),
            "test": (scale(test[0]), test[1]) if test else None, "class_names": class_names}


def _load_image_folder(folder, limit, test_limit, channels):
    try:
        from PIL import Image
    except ImportError:
        raise DatasetError("reading an image folder needs Pillow: pip install pillow (or apt-get install python3-pil)")

    def read_split(root, n):
        classes = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))
        xs, ys = [], []
        for label, name in enumerate(classes):
            for file in sorted(os.listdir(os.path.join(root, name))):
                if file.lower().endswith(IMAGE_SUFFIXES):
                    image = Image.open(os.path.join(root, name, file)).convert("L" if channels == 1 else "RGB")
                    pixels = torch.tensor(list(image.getdata()), dtype=torch.uint8)
                    xs.append(pixels.reshape(image.height, image.width, channels))
                    ys.append(label)
        if not xs:
            raise DatasetError(f"{root}: no PNG or JPEG images in its class folders")
        order = torch.randperm(len(xs), generator=torch.Generator().manual_seed(0))[:n]
        sizes = {tuple(x.shape) for x in xs}
        if len(sizes) > 1:
            raise DatasetError(f"{root}: images must all have one size, found {sorted(sizes)[:3]}")
        return torch.stack(xs)[order], torch.tensor(ys)[order], classes

    has_splits = all(os.path.isdir(os.path.join(folder, s)) for s in ("train", "test"))
    x, y, classes = read_split(os.path.join(folder, "train") if has_splits else folder, limit)
    test = read_split(os.path.join(folder, "test"), test_limit)[:2] if has_splits else None
    return {"name": os.path.basename(os.path.normpath(folder)), "images": True, "train": (x, y), "test": test, "class_names": classes}


def _load_mask_folder(folder, limit, test_limit):
    """A segmentation folder (images/ + masks/, or train/ and test/), read by read_mask_folder."""
    read = read_mask_folder(folder, limit, test_limit)
    h, w, c = read["shape"]
    split = lambda part: (torch.frombuffer(bytearray(part[0]), dtype=torch.uint8).reshape(part[2], h, w, c), torch.zeros(part[2], dtype=torch.long))
    ids = lambda part: torch.frombuffer(bytearray(part[1]), dtype=torch.uint8).reshape(part[2], h, w)
    test = read["test"]
    return {"name": read["name"], "images": True, "train": split(read["train"]), "test": split(test) if test else None,
            "class_names": read["class_names"], "masks": {"train": ids(read["train"]), "test": ids(test) if test else None}}


def resolve_source(source):
    """embedded:NAME -> the folder shipped with NetCanvas (NETCANVAS_DATASETS, the export's datasets
    folder, or ./datasets next to this script)."""
    if not source.startswith("embedded:"):
        return source
    name = source[len("embedded:"):]
    for root in (os.environ.get("NETCANVAS_DATASETS"), DATASETS_DIR, os.path.join(os.path.dirname(os.path.abspath(__file__)), "datasets")):
        if root and os.path.isdir(os.path.join(root, name)):
            return os.path.join(root, name)
    # A set NetCanvas generates on first use (embedded:mnist-segmentation) lives in its cache folder, one folder per generator version.
    cache = os.environ.get("NETCANVAS_CACHE_DIR") or os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "netcanvas")
    made = os.path.join(cache, "datasets")
    versions = sorted(d for d in os.listdir(made) if re.fullmatch(re.escape(name) + r"-v\d+", d)) if os.path.isdir(made) else []
    if versions:
        return os.path.join(made, versions[-1])
    raise DatasetError(f"{source}: cannot find the embedded dataset; set NETCANVAS_DATASETS to NetCanvas's datasets folder or pass --data"
                       " (a generated set such as embedded:mnist-segmentation is made by training it once in NetCanvas)")


def load_dataset(source, limit, test_limit, channels):
    """Returns {"name", "images", "train": (x, y), "test": (x, y) or None, "class_names"}, and "masks":
    {"train": uint8 [N, H, W], "test": ...} for a segmentation set; x is uint8 [N, H, W, C] for images
    (scaled later) or float [N, F] for CSV features."""
    path = resolve_source(source)
    if not path:
        raise DatasetError("no dataset given: pass --data (an IDX or CIFAR folder, a .csv file, an image folder)")
    if not os.path.exists(path):
        raise DatasetError(f"{path}: no such file or folder")
    if os.path.isfile(path):
        if path.lower().endswith(".csv"):
            return _load_csv(path, limit, test_limit)
        if IDX_NAME.match(os.path.basename(path)):
            return _load_idx(os.path.dirname(path) or ".", limit, test_limit)
        raise DatasetError(f"{path}: expected a .csv file, an IDX file or a folder")
    names = os.listdir(path)
    if mask_folder_layout(path):
        return _load_mask_folder(path, limit, test_limit)
    if any(IDX_NAME.match(n) for n in names):
        return _load_idx(path, limit, test_limit)
    if "data_batch_1.bin" in names:
        return _load_cifar(path, limit, test_limit)
    if "train.csv" in names:
        return _load_csv(os.path.join(path, "train.csv"), limit, test_limit)
    return _load_image_folder(path, limit, test_limit, channels)


def to_model_input(x, images, stats):
    """uint8 HWC pixels -> float NCHW in [0, 1] (then per-channel standardised when stats are given)."""
    if not images:
        return x.float()
    x = x.float() / 255.0
    if stats is not None:
        x = (x - stats[0]) / stats[1]
    return x.permute(0, 3, 1, 2).contiguous()
`;
