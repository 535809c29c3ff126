"""How passwords are stored: Argon2id with the parameters OWASP's password storage cheat
sheet gives as its first choice (19 MiB of memory, 2 passes, 1 lane).

Memory-hard, so a stolen table resists graphics cards better than PBKDF2, and about ten
times cheaper in CPU per login than Django's PBKDF2 at 1,000,000 iterations: a morning's
logins no longer queue behind one another on a small server. Hashes keep Django's
``argon2`` format; older PBKDF2 hashes still verify and are rewritten at the next login.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
