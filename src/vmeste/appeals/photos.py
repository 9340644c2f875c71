"""Photos of appeals and answers: checked by content, re-encoded, stripped of EXIF, thumbnailed."""

from __future__ import annotations

import io
import uuid
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from vmeste.core.errors import FieldErrors, ValidationFailed

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40-megapixel photo is already more than any phone takes
MAX_PHOTOS = 5
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
LONG_SIDE = 2560
THUMB_SIDE = 480


@dataclass
class CleanPhoto:
    image: ContentFile
    thumbnail: ContentFile


def photo_clean(upload: UploadedFile) -> CleanPhoto:
    """Check one upload and return a re-encoded JPEG and its thumbnail, both without metadata.

    Raises ValidationFailed with a message naming the file when it is not an accepted image.
    """
    name = upload.name or "photo"
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationFailed(_("«%(name)s» is larger than 10 MB.") % {"name": name})
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationFailed(_("«%(name)s» is larger than 10 MB.") % {"name": name})
    not_an_image = ValidationFailed(
        _("«%(name)s» is not a JPEG, PNG or WebP photo.") % {"name": name}, code="invalid_image"
    )
    too_many_pixels = ValidationFailed(
        _("«%(name)s» has too many pixels (more than 40 megapixels).") % {"name": name},
        code="image_too_large",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            if probe.format not in ALLOWED_FORMATS:
                raise not_an_image
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise too_many_pixels
            probe.verify()
            opened = Image.open(io.BytesIO(data))
            opened.load()
    except ValidationFailed:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise not_an_image from None
    image: Image.Image = ImageOps.exif_transpose(opened).convert("RGB")
    image.thumbnail((LONG_SIDE, LONG_SIDE))
    stem = uuid.uuid4().hex
    return CleanPhoto(
        image=ContentFile(_jpeg(image, 85), name=f"{stem}.jpg"),
        thumbnail=ContentFile(_jpeg(_thumb(image), 80), name=f"{stem}-thumb.jpg"),
    )


def photos_clean(
    photos: Sequence[UploadedFile],
    errors: FieldErrors,
    *,
    field: str = "photos",
    limit: int = MAX_PHOTOS,
    already: int = 0,
) -> list[CleanPhoto]:
    """Clean every upload; each refusal, and more than ``limit`` photos with the ``already``
    attached ones, goes to ``errors`` under ``field``."""
    if already + len(photos) > limit:
        errors.add(field, _("Attach at most %(n)s photos.") % {"n": limit}, "too_many")
        return []
    cleaned = []
    for upload in photos:
        try:
            cleaned.append(photo_clean(upload))
        except ValidationFailed as error:
            errors.add(field, str(error.message), error.code)
    return cleaned


def _thumb(image: Image.Image) -> Image.Image:
    thumb = image.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
    return thumb


def _jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    # A fresh image saved without exif= carries no metadata: no GPS, no camera, no time.
    image.save(out, format="JPEG", quality=quality, optimize=True)
    return out.getvalue()
