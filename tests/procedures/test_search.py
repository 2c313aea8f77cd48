"""Search ignores diacritics and treats đ as d, on SQLite (FTS5) and PostgreSQL alike."""

from __future__ import annotations

import pytest

from egov.core.errors import ValidationFailed
from egov.procedures.selectors import filters_from, procedure_search


def names(query, **filters):
    return [p.name for p in procedure_search(query=query, filters=filters_from(**filters)).items]


@pytest.mark.parametrize(
    "query",
    [
        "dang ky khai sinh",
        "Đăng ký khai sinh",
        "ĐĂNG KÝ KHAI SINH",
        "đăng ky khai sinh",
        "dang ky khai s",
        "khai sinh",
    ],
)
def test_diacritics_case_and_d_are_ignored(catalog, query):
    assert names(query)[0] == "Đăng ký khai sinh"


def test_every_word_must_match(catalog):
    assert names("dang ky xay dung") == ["Cấp giấy phép xây dựng nhà ở riêng lẻ"]
    assert names("ket hon xay dung") == []


def test_name_matches_rank_before_matches_elsewhere(catalog):
    # 'dang ky' is in the permit's description only, and in the other two names.
    result = names("dang ky")
    assert len(result) == 3
    assert result[-1] == "Cấp giấy phép xây dựng nhà ở riêng lẻ"


def test_phrase_in_name_ranks_first(catalog):
    assert names("ket hon")[0] == "Đăng ký kết hôn"


def test_search_by_code(catalog):
    assert names("1.009994") == ["Cấp giấy phép xây dựng nhà ở riêng lẻ"]


def test_filters(catalog, world):
    assert names("", sector="XD") == ["Cấp giấy phép xây dựng nhà ở riêng lẻ"]
    assert set(names("", level="commune")) == {"Đăng ký khai sinh", "Đăng ký kết hôn"}
    assert names("", online_type="partial") == ["Đăng ký kết hôn"]
    assert names("", agency=world.a.code) == ["Cấp giấy phép xây dựng nhà ở riêng lẻ"]
    assert names("dang ky", sector="HT", online_type="full") == ["Đăng ký khai sinh"]


def test_unknown_filter_codes_are_errors(catalog):
    with pytest.raises(ValidationFailed) as exc:
        filters_from(sector="NOPE", online_type="level4")
    assert set(exc.value.fields) == {"sector", "online_type"}


def test_punctuation_only_query_lists_everything(catalog):
    assert procedure_search(query="!!! ...").total == 3


def test_updates_and_unpublishing_reach_the_index(catalog):
    from egov.procedures.models import Procedure

    Procedure.objects.filter(code="1.000894").update(is_published=False)
    assert names("ket hon") == []


def test_paging(catalog):
    first = procedure_search(query="", page=1, page_size=2)
    second = procedure_search(query="", page=2, page_size=2)
    assert (
        first.total == 3 and first.pages == 2 and len(first.items) == 2 and len(second.items) == 1
    )
    with pytest.raises(ValidationFailed):
        procedure_search(query="", page=0)
    with pytest.raises(ValidationFailed):
        procedure_search(query="x" * 201)
