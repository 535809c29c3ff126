"""The demo's second factor: a key everybody knows, so a newcomer can log in as the national
team or the financial operator. Never used outside the demo (the key is public)."""

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from cnfs.accounts import mfa

# RFC 6238's own test key ("12345678901234567890"): public on purpose.
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"
DEMO_BACKUP_CODES = [f"demo-secours-{n:02d}" for n in range(1, mfa.BACKUP_CODES + 1)]


def ensure_demo_second_factor(user) -> TOTPDevice:
    """The demo key and the demo backup codes, put back as they were at each run."""
    device, _ = TOTPDevice.objects.update_or_create(
        user=user,
        name=mfa.TOTP_NAME,
        defaults={"key": DEMO_TOTP_KEY, "confirmed": True, "last_t": -1},
    )
    mfa.new_backup_codes(user, codes=list(DEMO_BACKUP_CODES))
    return device


def current_code() -> str:
    """The code an authenticator app holding the demo key shows now."""
    device = TOTPDevice(key=DEMO_TOTP_KEY)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
