/**
 * The exported Python scripts' reader of a segmentation folder (`images/` + `masks/`, or the same
 * under `train/` and `test/`), by the app's rules (engine/data/mask-folder.ts): pairs matched by
 * file name, masks PNG whose grey value is the class id, an optional `classes.txt` (beside
 * `images/`, or in the top folder), one image size, and the same named errors. Plain Python (zlib
 * and struct only), so that PyTorch's and Keras's scripts share it and neither needs Pillow for
 * PNG; JPEG images are read with Pillow when it is installed. Returns uint8 bytes, channels-last.
 */
export const PY_MASK_FOLDER = String.raw`
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_CHANNELS = {0: 1, 2: 3, 3: 3, 4: 2, 6: 4}  # colour type -> channels after the palette is applied


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def read_png(path, rel):
    """An 8-bit, non-interlaced PNG as (width, height, channels, bytes row-major RGB[A] or grey[+alpha])."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != PNG_SIGNATURE:
        raise DatasetError(f"{rel}: not a PNG file ({path})")
    pos, idat, palette, header = 8, [], None, None
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"PLTE":
            palette = body
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if header is None:
        raise DatasetError(f"{rel}: a PNG without its header ({path})")
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or interlace or colour not in PNG_CHANNELS:
        raise DatasetError(f"{rel}: only 8-bit, non-interlaced PNGs are read here (this one is {depth}-bit, colour type {colour}"
                           f"{', interlaced' if interlace else ''}); save it again as an 8-bit PNG")
    if width * height > 4096 * 4096:
        raise DatasetError(f"{rel}: {width}×{height} pixels is too large for a training image")
    step = 1 if colour == 3 else PNG_CHANNELS[colour]
    stride = width * step
    raw = zlib.decompress(b"".join(idat))
    out, prev = bytearray(height * stride), bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if kind == 1:
            for i in range(step, stride):
                line[i] = (line[i] + line[i - step]) & 255
        elif kind == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif kind == 3:
            for i in range(stride):
                line[i] = (line[i] + ((line[i - step] if i >= step else 0) + prev[i]) // 2) & 255
        elif kind == 4:
            for i in range(stride):
                left, corner = (line[i - step], prev[i - step]) if i >= step else (0, 0)
                line[i] = (line[i] + _paeth(left, prev[i], corner)) & 255
        out[y * stride:(y + 1) * stride] = line
        prev = line
    if colour == 3:
        out = bytearray(b"".join(palette[3 * i:3 * i + 3] for i in out))
    return width, height, PNG_CHANNELS[colour], bytes(out)


def _read_image(path, rel):
    """An image as (width, height, grey?, RGB bytes): PNG here, JPEG through Pillow."""
    if path.lower().endswith(".png"):
        width, height, channels, pixels = read_png(path, rel)
        if channels in (2, 4):  # the alpha channel is dropped, as the app does
            keep = channels - 1
            pixels = bytes(b for i in range(0, len(pixels), channels) for b in pixels[i:i + keep])
            channels = keep
        rgb = bytes(v for v in pixels for _ in range(3)) if channels == 1 else pixels
    else:
        try:
            from PIL import Image
        except ImportError:
            raise DatasetError(f"{rel}: reading JPEG images needs Pillow (pip install pillow); PNG images need nothing")
        image = Image.open(path).convert("RGB")
        width, height, rgb = image.width, image.height, image.tobytes()
    grey = all(rgb[i] == rgb[i + 1] == rgb[i + 2] for i in range(0, len(rgb), 3))
    return width, height, grey, rgb


def _mask_ids(path, rel, classes):
    """A mask's class ids (its grey values), checked as the app checks them."""
    if not path.lower().endswith(".png"):
        raise DatasetError(f"{rel}: masks must be PNG files (JPEG changes the class ids as it compresses)")
    width, height, channels, pixels = read_png(path, rel)
    colour = channels >= 3
    ids = bytearray(width * height)
    for p in range(width * height):
        r = pixels[p * channels]
        if colour and not (r == pixels[p * channels + 1] == pixels[p * channels + 2]):
            rgb = tuple(pixels[p * channels:p * channels + 3])
            raise DatasetError(f"{rel}: the pixel at row {p // width}, column {p % width} is the colour {rgb}; a mask stores each "
                               "pixel's class id as a grey value (R = G = B = id)")
        if classes is not None and r >= classes:
            raise DatasetError(f"{rel}: class id {r} at row {p // width}, column {p % width} is out of range: classes.txt lists "
                               f"{classes} classes (ids 0–{classes - 1})")
        ids[p] = r
    return width, height, bytes(ids)


def _mask_classes(folder):
    """classes.txt in folder: one name per line, class 0 first (blank lines skipped), or None."""
    path = os.path.join(folder, "classes.txt")
    if not os.path.isfile(path):
        return None
    names = [line.strip() for line in open(path, encoding="utf-8-sig") if line.strip()]
    if not names:
        raise DatasetError(f"{path}: the class list is empty")
    return names


def _mask_pairs(folder, prefix):
    """(image, mask) paths paired by file name, sorted; a file without its partner is an error."""
    names = lambda sub: sorted(n for n in os.listdir(os.path.join(folder, sub)) if n.lower().endswith((".png", ".jpg", ".jpeg")))
    stem = lambda n: os.path.splitext(n)[0]
    masks = {stem(m): m for m in names("masks")}
    images = names("images")
    if not images:
        raise DatasetError(f"{os.path.join(folder, 'images')}: no PNG or JPEG images here")
    pairs = []
    for name in images:
        mask = masks.pop(stem(name), None)
        if mask is None:
            raise DatasetError(f"{prefix}images/{name} has no mask: expected {prefix}masks/{stem(name)}.png (in {folder})")
        pairs.append(((os.path.join(folder, "images", name), f"{prefix}images/{name}"), (os.path.join(folder, "masks", mask), f"{prefix}masks/{mask}")))
    if masks:
        orphan = sorted(masks.values())[0]
        raise DatasetError(f"{prefix}masks/{orphan} has no image: expected {prefix}images/{stem(orphan)}.png or .jpg (in {folder})")
    return pairs


def mask_folder_layout(folder):
    """'flat' (images/ + masks/), 'split' (train/images + train/masks), or None."""
    has = lambda *parts: os.path.isdir(os.path.join(folder, *parts))
    return "flat" if has("images") and has("masks") else ("split" if has("train", "images") and has("train", "masks") else None)


def read_mask_folder(folder, limit, test_limit):
    """{"name", "class_names", "shape": [H, W, C], "train": (pixels, ids, count), "test": ... or None}: uint8 bytes, channels-last."""
    layout = mask_folder_layout(folder)
    train_dir = os.path.join(folder, "train") if layout == "split" else folder
    listed = _mask_classes(train_dir) or (_mask_classes(folder) if layout == "split" else None)
    classes = len(listed) if listed else None
    parts = [("train", _mask_pairs(train_dir, "train/" if layout == "split" else "")[:limit])]
    if layout == "split" and os.path.isdir(os.path.join(folder, "test", "images")):
        parts.append(("test", _mask_pairs(os.path.join(folder, "test"), "test/")[:test_limit]))
    read, first, grey = {}, None, True
    for part, pairs in parts:
        images, ids = [], []
        for (image_path, image_rel), (mask_path, mask_rel) in pairs:
            width, height, is_grey, rgb = _read_image(image_path, image_rel)
            mask_width, mask_height, mask = _mask_ids(mask_path, mask_rel, classes)
            if (mask_width, mask_height) != (width, height):
                raise DatasetError(f"{mask_rel} is {mask_width}×{mask_height} but its image {image_rel} is {width}×{height}; a mask labels each pixel of its image")
            if first is None:
                first = (image_rel, width, height)
            elif (width, height) != first[1:]:
                raise DatasetError(f"mixed image sizes: {first[0]} is {first[1]}×{first[2]} but {image_rel} is {width}×{height}; resize all images and masks to one size")
            grey = grey and is_grey
            images.append(rgb)
            ids.append(mask)
        read[part] = (images, ids)
    if not listed:
        used = set(b"".join(ids for _, (_, masks) in read.items() for ids in masks))
        if used == {0, 255}:
            raise DatasetError(f"{parts[0][1][0][1][1]}: the masks are black and white (ids 0 and 255); a mask stores class ids, so an object "
                               "of class 1 is grey value 1 (or list 256 classes in classes.txt)")
        listed = [str(i) for i in range(max(used) + 1)]
    channels = 1 if grey else 3
    pack = lambda images, ids: (b"".join(rgb[::3] if grey else rgb for rgb in images), b"".join(ids), len(images))
    return {"name": os.path.basename(os.path.normpath(folder)), "class_names": listed, "shape": [first[2], first[1], channels],
            "train": pack(*read["train"]), "test": pack(*read["test"]) if "test" in read and read["test"][0] else None}
`;
