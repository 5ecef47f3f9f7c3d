"""Validation of crypto-wallet addresses, the financing indicators Marsad's members exchange.

Why validate on entry: a wallet address typed or pasted with one wrong character still *looks* right, and an
indicator built on it would never match anything (or match someone else's wallet). Every format handled here
carries a checksum, so a typo is caught before the address is stored or shared.

Formats (``WalletAddress.chain`` / ``.kind``):

- Bitcoin: Base58Check P2PKH (version 0x00, "1…") and P2SH (0x05, "3…"), testnet 0x6f/0xc4; native segwit
  per BIP-173 (bech32, witness v0: 20-byte P2WPKH or 32-byte P2WSH) and BIP-350 (bech32m, v1 taproot and
  v2–v16), HRPs ``bc``/``tb``/``bcrt``.
- Litecoin: Base58Check 0x30 ("L…") and 0x32 ("M…"), bech32 HRP ``ltc``.
- Ethereum (and EVM chains sharing its format): ``0x`` + 40 hex digits; when the letters are of mixed case the
  EIP-55 checksum (Keccak-256 of the lower-case hex — *not* SHA3-256) is verified.
- TRON: Base58Check with version byte 0x41 ("T…").
- Monero: Monero's block Base58 (8-byte blocks → 11 characters), network byte 18 (standard, "4…"),
  42 (subaddress, "8…") or 19 (integrated, 106 characters), checksum = first 4 bytes of Keccak-256.

``parse_wallet`` returns the canonical form used for storage and matching: Base58 forms as given (they are
case-sensitive), bech32 in lower case, Ethereum in its EIP-55 checksummed form (a pure function of the 20
bytes, so any spelling of one address maps to one string). Errors are :class:`marsad.errors.InputError`
whose message names the address and the reason, with ``details[0]["reason"]`` one of ``REASONS``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from Crypto.Hash import keccak

from marsad.errors import InputError

__all__ = [
    "WalletAddress",
    "REASONS",
    "parse_wallet",
    "canonical_address",
    "is_wallet_address",
    "keccak256",
    "base58check_encode",
    "bech32_encode_segwit",
    "eip55_checksum",
    "monero_encode",
]

REASONS = ("empty", "bad-character", "bad-checksum", "bad-length", "unknown-format", "mixed-case", "bad-version")

B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(B58_ALPHABET)}
BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_INDEX = {c: i for i, c in enumerate(BECH32_CHARSET)}
_BECH32_CONST, _BECH32M_CONST = 1, 0x2BC830A3
_MAX_LENGTH = 200

#: Base58Check version byte → (chain, kind, network) for 21-byte payloads
_BASE58_VERSIONS = {
    0x00: ("bitcoin", "p2pkh", "mainnet"),
    0x05: ("bitcoin", "p2sh", "mainnet"),
    0x6F: ("bitcoin", "p2pkh", "testnet"),
    0xC4: ("bitcoin", "p2sh", "testnet"),
    0x30: ("litecoin", "p2pkh", "mainnet"),
    0x32: ("litecoin", "p2sh", "mainnet"),
    0x41: ("tron", "account", "mainnet"),
}
_SEGWIT_HRPS = {"bc": ("bitcoin", "mainnet"), "tb": ("bitcoin", "testnet"), "bcrt": ("bitcoin", "regtest"),
                "ltc": ("litecoin", "mainnet")}
#: Monero network byte → (kind, decoded length in bytes)
_MONERO_NETWORKS = {18: ("standard", 69), 42: ("subaddress", 69), 19: ("integrated", 77)}
_MONERO_BLOCK_CHARS = {0: 0, 1: 2, 2: 3, 3: 5, 4: 6, 5: 7, 6: 9, 7: 10, 8: 11}
_MONERO_CHARS_TO_BYTES = {v: k for k, v in _MONERO_BLOCK_CHARS.items()}
_HEX40 = re.compile(r"0[xX][0-9a-fA-F]{40}")


@dataclass(frozen=True)
class WalletAddress:
    """A validated address: ``address`` is canonical (see module doc); ``chain``, ``kind``, ``network``."""

    address: str
    chain: str
    kind: str
    network: str = "mainnet"


def _fail(address: str, reason: str, why: str) -> InputError:
    shown = address if len(address) <= 120 else address[:117] + "…"
    return InputError(f"wallet address {shown!r} is not valid: {why}", details=[{"address": shown, "reason": reason}])


def keccak256(data: bytes) -> bytes:
    """Keccak-256 as Ethereum and Monero use it (the pre-standard padding, unlike ``hashlib.sha3_256``)."""
    return keccak.new(digest_bits=256, data=data).digest()


def _sha256d(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


# -- Base58 / Base58Check -------------------------------------------------------------------------------------

def _b58_to_int(text: str) -> int:
    number = 0
    for char in text:
        number = number * 58 + _B58_INDEX[char]
    return number


def _b58_decode(text: str) -> bytes:
    number = _b58_to_int(text)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    zeros = len(text) - len(text.lstrip("1"))
    return b"\x00" * zeros + body


def _b58_encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    chars = []
    while number:
        number, rest = divmod(number, 58)
        chars.append(B58_ALPHABET[rest])
    zeros = len(data) - len(data.lstrip(b"\x00"))
    return "1" * zeros + "".join(reversed(chars))


def base58check_encode(version: int, payload: bytes) -> str:
    """Base58Check of ``version`` byte + ``payload`` (what Bitcoin, Litecoin and TRON addresses are)."""
    data = bytes([version]) + payload
    return _b58_encode(data + _sha256d(data)[:4])


def _parse_base58check(address: str) -> WalletAddress:
    if any(c not in _B58_INDEX for c in address):
        bad = next(c for c in address if c not in _B58_INDEX)
        raise _fail(address, "bad-character", f"character {bad!r} is not Base58")
    raw = _b58_decode(address)
    if len(raw) != 25:
        raise _fail(address, "bad-length", f"decodes to {len(raw)} bytes; a Base58Check address has 25")
    data, checksum = raw[:-4], raw[-4:]
    if _sha256d(data)[:4] != checksum:
        raise _fail(address, "bad-checksum", "Base58Check checksum does not match (a character is wrong)")
    known = _BASE58_VERSIONS.get(data[0])
    if known is None:
        raise _fail(address, "bad-version", f"version byte 0x{data[0]:02x} is not a known Bitcoin/Litecoin/TRON one")
    return WalletAddress(address, *known)


# -- Bech32 / Bech32m (BIP-173, BIP-350) ----------------------------------------------------------------------

def _bech32_polymod(values: list[int]) -> int:
    generator = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    checksum = 1
    for value in values:
        top = checksum >> 25
        checksum = (checksum & 0x1FFFFFF) << 5 ^ value
        for i in range(5):
            if (top >> i) & 1:
                checksum ^= generator[i]
    return checksum


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _convert_bits(data, from_bits: int, to_bits: int, pad: bool) -> list[int] | None:
    acc = bits = 0
    out: list[int] = []
    maxv = (1 << to_bits) - 1
    for value in data:
        acc = (acc << from_bits) | value
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            out.append((acc >> bits) & maxv)
    if pad:
        if bits:
            out.append((acc << (to_bits - bits)) & maxv)
    elif bits >= from_bits or ((acc << (to_bits - bits)) & maxv):
        return None
    return out


def bech32_encode_segwit(hrp: str, version: int, program: bytes) -> str:
    """A segwit address: bech32 for witness v0, bech32m for v1–v16 (BIP-350)."""
    data = [version] + _convert_bits(program, 8, 5, True)
    const = _BECH32_CONST if version == 0 else _BECH32M_CONST
    polymod = _bech32_polymod(_hrp_expand(hrp) + data + [0] * 6) ^ const
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(BECH32_CHARSET[d] for d in data + checksum)


def _parse_segwit(address: str) -> WalletAddress:
    if address.lower() != address and address.upper() != address:
        raise _fail(address, "mixed-case", "bech32 addresses must be all lower case or all upper case")
    text = address.lower()
    hrp, _, rest = text.rpartition("1")
    if len(text) > 90:
        raise _fail(address, "bad-length", f"{len(text)} characters; a segwit address has at most 90")
    if len(rest) < 7:
        raise _fail(address, "bad-length", "the data part is too short for a segwit address")
    if any(c not in _BECH32_INDEX for c in rest):
        bad = next(c for c in rest if c not in _BECH32_INDEX)
        raise _fail(address, "bad-character", f"character {bad!r} is not in the bech32 alphabet")
    data = [_BECH32_INDEX[c] for c in rest]
    version = data[0]
    const = _bech32_polymod(_hrp_expand(hrp) + data)
    wanted = _BECH32_CONST if version == 0 else _BECH32M_CONST
    if const != wanted:
        scheme = "bech32 (BIP-173)" if version == 0 else "bech32m (BIP-350)"
        raise _fail(address, "bad-checksum", f"the {scheme} checksum for witness version {version} does not match")
    if version > 16:
        raise _fail(address, "bad-version", f"witness version {version} does not exist (0–16)")
    program = _convert_bits(data[1:-6], 5, 8, False)
    if program is None:
        raise _fail(address, "bad-length", "the witness program has invalid padding")
    if not 2 <= len(program) <= 40 or (version == 0 and len(program) not in (20, 32)):
        raise _fail(address, "bad-length", f"a {len(program)}-byte witness program is not allowed for version {version}")
    chain, network = _SEGWIT_HRPS[hrp]
    kind = {0: "p2wpkh" if len(program) == 20 else "p2wsh", 1: "p2tr"}.get(version, f"segwit-v{version}")
    return WalletAddress(text, chain, kind, network)


# -- Ethereum (EIP-55) ----------------------------------------------------------------------------------------

def eip55_checksum(hex40: str) -> str:
    """The EIP-55 mixed-case form of a 40-hex-digit address (with ``0x``)."""
    lower = hex40.lower()
    digest = keccak256(lower.encode("ascii")).hex()
    return "0x" + "".join(c.upper() if c.isalpha() and int(digest[i], 16) >= 8 else c for i, c in enumerate(lower))


def _parse_ethereum(address: str) -> WalletAddress:
    if not _HEX40.fullmatch(address):
        body = address[2:]
        bad = next((c for c in body if c not in "0123456789abcdefABCDEF"), None)
        if bad is not None:
            raise _fail(address, "bad-character", f"character {bad!r} is not a hex digit")
        raise _fail(address, "bad-length", f"{len(body)} hex digits after 0x; an Ethereum address has 40")
    body = address[2:]
    canonical = eip55_checksum(body)
    letters = [c for c in body if c.isalpha()]
    mixed = any(c.islower() for c in letters) and any(c.isupper() for c in letters)
    if mixed and "0x" + body != canonical:
        raise _fail(address, "bad-checksum", "the EIP-55 mixed-case checksum does not match (a character is wrong)")
    return WalletAddress(canonical, "ethereum", "account")


# -- Monero ---------------------------------------------------------------------------------------------------

def monero_encode(data: bytes) -> str:
    """Monero's Base58: each 8-byte block → 11 characters, a shorter last block per Monero's size table."""
    out = []
    for start in range(0, len(data), 8):
        block = data[start:start + 8]
        number, chars = int.from_bytes(block, "big"), []
        for _ in range(_MONERO_BLOCK_CHARS[len(block)]):
            number, rest = divmod(number, 58)
            chars.append(B58_ALPHABET[rest])
        out.append("".join(reversed(chars)))
    return "".join(out)


def _monero_decode(address: str) -> bytes | None:
    out = bytearray()
    for start in range(0, len(address), 11):
        chunk = address[start:start + 11]
        size = _MONERO_CHARS_TO_BYTES.get(len(chunk))
        number = _b58_to_int(chunk)
        if size is None or number >= 1 << (8 * size):
            return None
        out += number.to_bytes(size, "big")
    return bytes(out)


def _parse_monero(address: str) -> WalletAddress:
    if any(c not in _B58_INDEX for c in address):
        bad = next(c for c in address if c not in _B58_INDEX)
        raise _fail(address, "bad-character", f"character {bad!r} is not Base58")
    raw = _monero_decode(address)
    if raw is None or not raw:
        raise _fail(address, "bad-length", "not a whole number of Monero Base58 blocks")
    network = _MONERO_NETWORKS.get(raw[0])
    if network is None or len(raw) != network[1]:
        raise _fail(address, "bad-length", f"{len(address)} characters do not make a Monero address")
    if keccak256(raw[:-4])[:4] != raw[-4:]:
        raise _fail(address, "bad-checksum", "the Monero checksum does not match (a character is wrong)")
    return WalletAddress(address, "monero", network[0])


# -- entry points ---------------------------------------------------------------------------------------------

def _segwit_or_base58(address: str, base58_shaped: bool) -> WalletAddress:
    """A segwit HRP prefix ("bc1", "tb1", "ltc1") can also begin a Base58 address ("TB1…" TRON, "Ltc1…"
    Litecoin): try segwit, then Base58Check; report the segwit reason for a single-case address (bech32 is
    single-case), the Base58 one for a mixed-case address."""
    try:
        return _parse_segwit(address)
    except InputError as segwit_error:
        if not base58_shaped:
            raise
        try:
            return _parse_base58check(address)
        except InputError as base58_error:
            single_case = address in (address.lower(), address.upper())
            raise (segwit_error if single_case else base58_error) from None


def parse_wallet(address: str) -> WalletAddress:
    """Validate ``address`` and return it with its chain and canonical form; :class:`InputError` otherwise."""
    if not isinstance(address, str) or not address.strip():
        raise _fail(str(address or ""), "empty", "no address given")
    address = address.strip()
    if len(address) > _MAX_LENGTH:
        raise _fail(address, "bad-length", f"{len(address)} characters is longer than any wallet address")
    if address[:2] in ("0x", "0X"):
        return _parse_ethereum(address)
    base58_shaped = 25 <= len(address) <= 35 and address[0] in "123mnLMT"
    if address.lower().rpartition("1")[0] in _SEGWIT_HRPS:
        return _segwit_or_base58(address, base58_shaped)
    if len(address) in (95, 106) and address[0] in "48":
        return _parse_monero(address)
    if base58_shaped:
        return _parse_base58check(address)
    raise _fail(address, "unknown-format",
                "not a Bitcoin, Litecoin, Ethereum, TRON or Monero address (unknown prefix or length)")


def canonical_address(address: str) -> str:
    """The canonical spelling of a valid address (see module doc); :class:`InputError` if invalid."""
    return parse_wallet(address).address


def is_wallet_address(address: str) -> bool:
    """True when ``address`` is a valid wallet address of a supported chain."""
    try:
        parse_wallet(address)
    except InputError:
        return False
    return True
