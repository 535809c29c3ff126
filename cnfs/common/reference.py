"""The reference a public form or endpoint gives back: opaque, never the row's number.

A sequential id tells how many applications there are and lets anyone guess the next one;
a reference is a keyed hash of the number instead (``SECRET_KEY`` is the key), of the same
form as the random one answered when nothing was recorded (an address already known must
not be told apart from a new one).
"""

import secrets

from django.utils.crypto import salted_hmac

LENGTH = 20  # hexadecimal characters: 80 bits


def reference_of(kind: str, pk: int) -> str:
    return salted_hmac(f"cnfs.reference.{kind}", str(pk), algorithm="sha256").hexdigest()[:LENGTH]


def random_reference() -> str:
    return secrets.token_hex(LENGTH // 2)
