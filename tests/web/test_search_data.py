"""Search queries from the URL: known facets only, URLs that add and remove facets."""

import pytest

from marsad.errors import InputError
from marsad.web.search_data import SearchQuery


def test_parse_and_urls():
    query = SearchQuery.from_params({"q": "  تفجير  ", "country": "JO", "tlp": "", "x": "y"})
    assert query.text == "تفجير" and query.facets() == {"country": "JO"} and not query.empty
    assert query.url(tlp="green").startswith("/search?q=") and "tlp=green" in query.url(tlp="green")
    assert "country" not in query.url(country=None)
    assert SearchQuery.from_params({}).empty


@pytest.mark.parametrize("params", [{"type": "bogus"}, {"tlp": "purple"}])
def test_unknown_facet_values_are_refused(params):
    with pytest.raises(InputError):
        SearchQuery.from_params(params)
