"""Wallet-address validation: published test vectors (BIP-173/350, EIP-55) and round-trip properties."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marsad.errors import InputError
from marsad.exchange.wallets import (
    B58_ALPHABET,
    BECH32_CHARSET,
    base58check_encode,
    bech32_encode_segwit,
    canonical_address,
    eip55_checksum,
    is_wallet_address,
    keccak256,
    monero_encode,
    parse_wallet,
)

# BIP-350 "valid segwit addresses" (spec test vectors) with the witness version and program length they encode
SEGWIT_VALID = [
    ("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "p2wpkh", "mainnet"),
    ("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7", "p2wsh", "testnet"),
    ("bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y", "p2tr", "mainnet"),
    ("BC1SW50QGDZ25J", "segwit-v16", "mainnet"),
    ("bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", "segwit-v2", "mainnet"),
    ("tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy", "p2wsh", "testnet"),
    ("tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c", "p2tr", "testnet"),
    ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", "p2tr", "mainnet"),
]

# BIP-350 "invalid segwit addresses" with the reason Marsad gives
SEGWIT_INVALID = [
    ("tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut", "unknown-format"),
    ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd", "bad-checksum"),
    ("tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf", "bad-checksum"),
    ("BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL", "bad-checksum"),
    ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh", "bad-checksum"),
    ("tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47", "bad-checksum"),
    ("bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4", "bad-character"),
    ("BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R", "bad-version"),
    ("bc1pw5dgrnzv", "bad-length"),
    ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav", "bad-length"),
    ("BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P", "bad-length"),
    ("tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq", "mixed-case"),
    ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf", "bad-length"),
    ("tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j", "bad-length"),
    ("bc1gmk9yu", "bad-length"),
]

# EIP-55 test vectors (all-caps, all-lower and mixed examples from the EIP)
EIP55 = [
    "0x52908400098527886E0F7030069857D2E4169EE7",
    "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
    "0xde709f2102306220921060314715629080e2fb77",
    "0x27b1fdb04752bbc536007a920d24acb045561c26",
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
]


def reason(exc: pytest.ExceptionInfo) -> str:
    return exc.value.details[0]["reason"]


def test_keccak_is_not_sha3():
    assert keccak256(b"").hex() == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    assert keccak256(b"") != hashlib.sha3_256(b"").digest()


@pytest.mark.parametrize("address,kind,network", SEGWIT_VALID)
def test_bip350_valid_segwit(address, kind, network):
    parsed = parse_wallet(address)
    assert (parsed.chain, parsed.kind, parsed.network) == ("bitcoin", kind, network)
    assert parsed.address == address.lower()


@pytest.mark.parametrize("address,why", SEGWIT_INVALID)
def test_bip350_invalid_segwit(address, why):
    with pytest.raises(InputError) as exc:
        parse_wallet(address)
    assert reason(exc) == why
    assert address[:20] in exc.value.message


@pytest.mark.parametrize("address", ["1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"])
def test_bitcoin_p2pkh(address):
    assert parse_wallet(address).kind == "p2pkh"


def test_bitcoin_p2sh_and_tron():
    assert parse_wallet("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy").kind == "p2sh"
    assert parse_wallet("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t").chain == "tron"


def test_base58_typo_is_a_checksum_error():
    with pytest.raises(InputError) as exc:
        parse_wallet("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb")
    assert reason(exc) == "bad-checksum"
    assert "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb" in exc.value.message


def test_base58_bad_character_and_length():
    with pytest.raises(InputError) as exc:
        parse_wallet("1A1zP1eP5QGefi2DMPTfTL5SLmv7Divf0a")
    assert reason(exc) == "bad-character"
    with pytest.raises(InputError) as exc:
        parse_wallet(base58check_encode(0x00, bytes(21)))
    assert reason(exc) == "bad-length"


def test_unknown_version_byte():
    with pytest.raises(InputError) as exc:
        parse_wallet(base58check_encode(0x42, bytes(range(20))))  # "T…" but not TRON's 0x41
    assert reason(exc) == "bad-version"


@pytest.mark.parametrize("address", EIP55)
def test_eip55_vectors(address):
    parsed = parse_wallet(address)
    assert parsed.chain == "ethereum"
    assert parsed.address == eip55_checksum(address[2:])
    if address[2:] not in (address[2:].lower(), address[2:].upper()):
        assert parsed.address == address


def test_eip55_one_flipped_case_is_rejected():
    good = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
    bad = good[:-1] + "D"
    with pytest.raises(InputError) as exc:
        parse_wallet(bad)
    assert reason(exc) == "bad-checksum"


def test_ethereum_any_single_case_maps_to_one_canonical():
    good = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
    assert canonical_address(good.lower()) == good
    assert canonical_address("0x" + good[2:].upper()) == good


@pytest.mark.parametrize("address,why", [
    ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeA", "bad-length"),
    ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg", "bad-character"),
    ("", "empty"),
    ("hello world", "unknown-format"),
    ("D" * 34, "unknown-format"),
    ("1" * 500, "bad-length"),
])
def test_clear_errors(address, why):
    with pytest.raises(InputError) as exc:
        parse_wallet(address)
    assert reason(exc) == why
    assert is_wallet_address(address) is False


def _monero(network: int, body: bytes) -> str:
    raw = bytes([network]) + body
    return monero_encode(raw + keccak256(raw)[:4])


def test_monero_standard_subaddress_integrated():
    assert parse_wallet(_monero(18, bytes(range(64)))).kind == "standard"
    assert parse_wallet(_monero(42, bytes(range(64)))).kind == "subaddress"
    integrated = _monero(19, bytes(range(72)))
    assert len(integrated) == 106 and parse_wallet(integrated).kind == "integrated"


def test_monero_bad_checksum():
    raw = bytes([18]) + bytes(range(64))
    forged = monero_encode(raw + b"\x00\x00\x00\x00")
    with pytest.raises(InputError) as exc:
        parse_wallet(forged)
    assert reason(exc) == "bad-checksum"


VERSIONS = st.sampled_from([0x00, 0x05, 0x6F, 0xC4, 0x30, 0x32, 0x41])


@settings(max_examples=150, deadline=None)
@given(version=VERSIONS, payload=st.binary(min_size=20, max_size=20), data=st.data())
def test_base58check_roundtrip_and_single_substitution(version, payload, data):
    address = base58check_encode(version, payload)
    assert parse_wallet(address).address == address
    i = data.draw(st.integers(0, len(address) - 1))
    new = data.draw(st.sampled_from([c for c in B58_ALPHABET if c != address[i]]))
    assert not is_wallet_address(address[:i] + new + address[i + 1:])


@settings(max_examples=150, deadline=None)
@given(
    hrp=st.sampled_from(["bc", "tb", "ltc"]),
    prog=st.one_of(
        st.tuples(st.just(0), st.binary(min_size=20, max_size=20)),
        st.tuples(st.just(0), st.binary(min_size=32, max_size=32)),
        st.tuples(st.integers(1, 16), st.binary(min_size=2, max_size=40)),
    ),
    data=st.data(),
)
def test_segwit_roundtrip_and_up_to_four_substitutions_detected(hrp, prog, data):
    version, program = prog
    address = bech32_encode_segwit(hrp, version, program)
    assert parse_wallet(address).address == address
    assert parse_wallet(address.upper()).address == address
    start = len(hrp) + 1
    positions = data.draw(st.lists(st.integers(start, len(address) - 1), min_size=1, max_size=4, unique=True))
    chars = list(address)
    for i in positions:
        chars[i] = data.draw(st.sampled_from([c for c in BECH32_CHARSET if c != address[i]]))
    assert not is_wallet_address("".join(chars))  # bech32 detects any ≤4 substitutions


@settings(max_examples=100, deadline=None)
@given(body=st.binary(min_size=20, max_size=20))
def test_eip55_roundtrip(body):
    address = eip55_checksum(body.hex())
    assert parse_wallet(address).address == address
    assert parse_wallet(address.lower()).address == address


@pytest.mark.parametrize("version,prefix", [(0x41, "TB1")])
def test_base58_addresses_that_begin_like_a_segwit_hrp(version, prefix):
    """TRON "TB1…" (also Litecoin "Ltc1…"): a bech32-looking prefix must not hide a valid Base58Check address."""
    for seed in range(20000):
        address = base58check_encode(version, hashlib.sha256(seed.to_bytes(4, "big")).digest()[:20])
        if address.lower().startswith(prefix.lower()):
            break
    else:
        pytest.skip(f"no {prefix} address among the seeds")
    assert parse_wallet(address).address == address
    with pytest.raises(InputError) as exc:
        parse_wallet(address[:-1] + ("a" if address[-1] != "a" else "b"))
    assert reason(exc) in {"bad-checksum", "mixed-case"}
