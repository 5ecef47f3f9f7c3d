"""TAXII 2.1 media type negotiation: what Accept gives 406, what Content-Type gives 415."""

import pytest

from marsad.errors import NotAcceptable, UnsupportedMediaType
from marsad.exchange.taxii.media import (
    STIX_MEDIA_TYPE,
    TAXII_MEDIA_TYPE,
    check_content_type,
    negotiate,
    parse_accept,
)


@pytest.mark.parametrize("accept", [
    None, "", "*/*", "application/*", "application/taxii+json", "application/taxii+json;version=2.1",
    "application/taxii+json; version=2.1", "text/html;q=0.9, application/taxii+json;version=2.1",
    'application/taxii+json;version="2.1"',
])
def test_taxii_accept_headers_are_answered_with_taxii_2_1(accept):
    assert negotiate(accept) == TAXII_MEDIA_TYPE


@pytest.mark.parametrize("accept", [
    "application/taxii+json;version=2.0", "application/vnd.oasis.taxii+json; version=2.0", "text/html",
    "application/json", "application/taxii+json;q=0",
])
def test_other_accept_headers_are_406(accept):
    with pytest.raises(NotAcceptable) as caught:
        negotiate(accept)
    assert caught.value.status == 406 and TAXII_MEDIA_TYPE in caught.value.message


def test_stix_media_type_only_where_objects_are_served():
    assert negotiate("application/stix+json;version=2.1", stix_allowed=True) == STIX_MEDIA_TYPE
    with pytest.raises(NotAcceptable):
        negotiate("application/stix+json;version=2.1")
    with pytest.raises(NotAcceptable):
        negotiate("application/stix+json;version=2.0", stix_allowed=True)


def test_quality_values_order_the_choice():
    assert negotiate("application/stix+json;version=2.1;q=0.5, application/taxii+json", stix_allowed=True) \
        == TAXII_MEDIA_TYPE
    assert [r.base for r in parse_accept("a/b;q=0.1, c/d")] == ["c/d", "a/b"]


@pytest.mark.parametrize("content_type", [
    "application/taxii+json;version=2.1", "application/taxii+json", "Application/TAXII+json; version=2.1",
    "application/stix+json;version=2.1",
])
def test_taxii_and_stix_bodies_are_accepted(content_type):
    assert check_content_type(content_type) in (TAXII_MEDIA_TYPE, STIX_MEDIA_TYPE)


@pytest.mark.parametrize("content_type", [
    None, "", "application/json", "text/plain", "application/taxii+json;version=2.0", "multipart/form-data",
])
def test_other_bodies_are_415(content_type):
    with pytest.raises(UnsupportedMediaType) as caught:
        check_content_type(content_type)
    assert caught.value.status == 415
