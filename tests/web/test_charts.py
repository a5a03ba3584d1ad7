"""The Reports charts are SVG strings: these tests parse them as XML and read their shapes."""

import xml.etree.ElementTree as ET

import pytest
from markupsafe import Markup

from app.web import charts

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "Ville <script>alert(\"x\")</script> & 'Co'"


def number(value: int) -> str:
    return f"{value:,}"


def percent(share: float) -> str:
    return f"{share:.0%}"


def parse(markup: Markup) -> ET.Element:
    return ET.fromstring(str(markup))


def bars(svg: ET.Element) -> list[ET.Element]:
    return [rect for rect in svg.iter(f"{SVG}rect") if rect.get("class") == "chart-bar"]


def texts(svg: ET.Element, css: str) -> list[str]:
    return ["".join(t.itertext()) for t in svg.iter(f"{SVG}text") if t.get("class") == css]


def tooltips(svg: ET.Element) -> list[str]:
    return [g.findtext(f"{SVG}title") or "" for g in svg.iter(f"{SVG}g")]


def columns(data, **overrides) -> ET.Element:
    arguments = {
        "title": "Interactions per month",
        "description": "Interactions logged in each month of 2026.",
        "empty_message": "No interactions in this period.",
        "number_format": number,
    } | overrides
    return parse(charts.column_chart(data, **arguments))


def countries(data, **overrides) -> ET.Element:
    arguments = {
        "title": "Engagement by country",
        "description": "Interactions per country.",
        "empty_message": "No interactions in this period.",
        "number_format": number,
        "percent_format": percent,
    } | overrides
    return parse(charts.bar_chart(data, **arguments))


def funnel(steps, **overrides) -> ET.Element:
    arguments = {
        "title": "Invitations",
        "description": "Invited, accepted, attended.",
        "empty_message": "No invitations yet.",
        "number_format": number,
        "percent_format": percent,
    } | overrides
    return parse(charts.funnel_chart(steps, **arguments))


MONTHS = [("Jan", 3), ("Feb", 0), ("Mar", 12), ("Apr", 23)]


@pytest.mark.parametrize(
    "svg",
    [
        columns(MONTHS),
        countries([("Japan", 120), ("Spain", 40)]),
        funnel([("Invited", 200), ("Accepted", 120), ("Attended", 90)]),
        columns([]),
    ],
    ids=["columns", "bars", "funnel", "empty"],
)
def test_a_chart_is_an_image_named_by_its_title_and_description(svg):
    assert svg.tag == f"{SVG}svg"
    assert svg.get("role") == "img"
    assert svg.get("width") == "100%"
    assert svg.get("viewBox", "").startswith(f"0 0 {charts.WIDTH} ")
    assert svg.get("font-family") == "inherit"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text and desc.text


def test_two_charts_on_one_page_have_distinct_ids():
    def chart() -> Markup:
        return charts.column_chart(
            MONTHS, title="a", description="b", empty_message="c", number_format=number
        )

    page = f"<div>{chart()}{chart()}</div>"
    ids = [element.get("id") for element in ET.fromstring(page).iter() if element.get("id")]
    assert len(ids) == 4
    assert len(set(ids)) == 4


def test_a_caller_can_name_the_ids_but_only_with_a_usable_id():
    svg = columns(MONTHS, chart_id="engagement-monthly")
    assert svg.get("aria-labelledby") == "engagement-monthly-title engagement-monthly-desc"
    with pytest.raises(ValueError):
        charts.column_chart(
            MONTHS,
            title="a",
            description="b",
            empty_message="c",
            number_format=number,
            chart_id='x" onload="alert(1)',
        )


def test_hostile_labels_and_titles_are_escaped():
    markup = charts.bar_chart(
        [(HOSTILE, 5)],
        title=HOSTILE,
        description=HOSTILE,
        empty_message="none",
        number_format=number,
    )
    assert "<script>" not in markup
    svg = parse(markup)
    assert svg.findtext(f"{SVG}title") == HOSTILE
    assert texts(svg, "chart-label") == [HOSTILE]
    assert f"{HOSTILE}: 5" in tooltips(svg)
    empty = charts.column_chart(
        [], title="t", description="d", empty_message=HOSTILE, number_format=number
    )
    assert "<script>" not in empty
    assert " ".join(span.text or "" for span in parse(empty).iter(f"{SVG}tspan")) == HOSTILE


def test_a_long_no_data_message_wraps_instead_of_being_cut():
    english = "There were no interactions with any partner city in the period you chose. " * 2
    svg = columns([], empty_message=english)
    lines = [span.text or "" for span in svg.iter(f"{SVG}tspan")]
    assert len(lines) > 1
    assert " ".join(lines) == english.strip()
    chinese = "所選期間內沒有任何與姊妹市或友好城市的互動紀錄，請調整期間後再試一次。"
    lines = charts.wrap(chinese, 200, charts.FONT)
    assert len(lines) > 1 and "".join(lines) == chinese
    assert all(charts.text_width(line, charts.FONT) <= 200 + charts.FONT for line in lines)
    assert not any(line.startswith(("，", "。")) for line in lines)
    assert charts.wrap("Kaohsiung Metropolitan", 60, charts.FONT)[0].endswith("…")


def test_columns_are_as_tall_as_their_values():
    heights = [float(bar.get("height", "")) for bar in bars(columns(MONTHS))]
    assert heights[1] == 0
    assert heights[2] / heights[0] == pytest.approx(12 / 3, rel=0.02)
    assert heights[3] / heights[0] == pytest.approx(23 / 3, rel=0.02)
    # The axis reaches 25, the tallest column 23 of it.
    assert heights[3] / charts.COLUMN_AREA == pytest.approx(23 / 25, rel=0.01)


def test_column_tooltips_give_each_months_figure_formatted_by_the_caller():
    svg = columns([("Jan", 1234567), ("Feb", 0)])
    assert tooltips(svg) == ["Jan: 1,234,567", "Feb: 0"]
    assert texts(svg, "chart-tick") == ["0", "500,000", "1,000,000", "1,500,000"]


@pytest.mark.parametrize(
    ("maximum", "ticks"),
    [
        (0, [0, 1]),
        (1, [0, 1]),
        (5, [0, 1, 2, 3, 4, 5]),
        (7, [0, 2, 4, 6, 8]),
        (23, [0, 5, 10, 15, 20, 25]),
        (50, [0, 10, 20, 30, 40, 50]),
        (730, [0, 200, 400, 600, 800]),
        (1_000_000, [0, 200_000, 400_000, 600_000, 800_000, 1_000_000]),
    ],
)
def test_axis_ticks_are_round_numbers(maximum, ticks):
    assert charts.nice_ticks(maximum) == ticks


def test_the_y_axis_shows_the_ticks():
    assert texts(columns(MONTHS), "chart-tick") == ["0", "5", "10", "15", "20", "25"]


def test_month_labels_thin_out_when_they_would_collide_but_every_month_keeps_a_tooltip():
    months = [(f"2026年{month}月", month) for month in range(1, 13)] * 2
    svg = columns(months)
    # Every 3rd, 4th, 6th or 12th month: a step that divides the year.
    assert len(texts(svg, "chart-label")) in (8, 6, 4, 2)
    assert len(tooltips(svg)) == 24
    assert len(bars(svg)) == 24


def test_all_zero_and_single_value_charts_draw():
    zeros = columns([("Jan", 0), ("Feb", 0)])
    assert [bar.get("height") for bar in bars(zeros)] == ["0", "0"]
    assert texts(zeros, "chart-tick") == ["0", "1"]
    single = bars(columns([("Jan", 4)]))
    assert len(single) == 1
    assert float(single[0].get("width", "")) <= 48
    assert [bar.get("width") for bar in bars(countries([("Japan", 0)]))] == ["0"]
    assert texts(countries([("Japan", 0)]), "chart-value") == ["0"]


def test_country_bars_are_sorted_and_proportional_with_their_share():
    svg = countries([("Spain", 40), ("日本", 120), ("France", 40)])
    assert texts(svg, "chart-label") == ["日本", "France", "Spain"]
    assert texts(svg, "chart-value") == ["120 (60%)", "40 (20%)", "40 (20%)"]
    widths = [float(bar.get("width", "")) for bar in bars(svg)]
    assert widths[0] / widths[1] == pytest.approx(3, rel=0.01)
    assert widths[1] == widths[2]
    plain = countries([("Spain", 1500)], percent_format=None)
    assert texts(plain, "chart-value") == ["1,500"]


def test_the_funnel_keeps_its_order_and_gives_each_steps_share_of_the_first():
    svg = funnel([("已邀請", 200), ("已接受", 120), ("已出席", 90)])
    assert texts(svg, "chart-label") == ["已邀請", "已接受", "已出席"]
    assert texts(svg, "chart-value") == ["200 (100%)", "120 (60%)", "90 (45%)"]
    widths = [float(bar.get("width", "")) for bar in bars(svg)]
    assert widths[2] / widths[0] == pytest.approx(0.45, rel=0.01)
    nobody = funnel([("Invited", 0), ("Accepted", 0), ("Attended", 0)])
    assert texts(nobody, "chart-value") == ["0", "0", "0"]


def test_empty_data_shows_the_callers_message():
    for svg in (columns([]), countries([]), funnel([])):
        assert bars(svg) == []
        assert len(texts(svg, "chart-empty")) == 1
    assert texts(columns([]), "chart-empty") == ["No interactions in this period."]
    assert texts(funnel([], empty_message="尚無邀請"), "chart-empty") == ["尚無邀請"]


def test_cjk_labels_are_kept_and_long_labels_are_cut_with_the_full_text_in_a_tooltip():
    long_name = "大不列顛及北愛爾蘭聯合王國" * 3
    svg = countries([("大韓民國", 3), (long_name, 2)])
    shown = texts(svg, "chart-label")
    assert shown[0] == "大韓民國"
    assert shown[1] != long_name  # itertext includes the tooltip; check the visible part
    label = [t for t in svg.iter(f"{SVG}text") if t.get("class") == "chart-label"][1]
    assert label.findtext(f"{SVG}title") == long_name
    tooltip = label.find(f"{SVG}title")
    assert tooltip is not None
    visible = tooltip.tail or ""
    assert visible.endswith("…") and long_name.startswith(visible[:-1])
    assert charts.text_width(visible, charts.FONT) <= charts.WIDTH - 2 * charts.PAD


def test_text_width_counts_cjk_as_full_width():
    assert charts.text_width("臺北", 10) == 20
    assert charts.text_width("ab", 10) == 12
    assert charts.fit("Taipei", 1000, 14) == "Taipei"


def test_a_table_gives_the_same_figures_for_screen_readers():
    table = ET.fromstring(
        str(
            charts.data_table(
                charts.by_value([("Spain", 40), (HOSTILE, 160)]),
                caption="Engagement by country",
                label_header="Country",
                value_header="Interactions",
                share_header="Share",
                percent_format=percent,
                empty_message="No data",
                number_format=number,
            )
        )
    )
    assert table.findtext("caption") == "Engagement by country"
    assert [th.get("scope") for th in table.iter("th")] == ["col"] * 3 + ["row"] * 2
    rows = [["".join(cell.itertext()) for cell in row] for row in table.iter("tr")]
    assert rows == [
        ["Country", "Interactions", "Share"],
        [HOSTILE, "160", "80%"],
        ["Spain", "40", "20%"],
    ]


def test_a_funnel_table_gives_shares_of_the_first_step_and_an_empty_table_says_so():
    def table(steps):
        return ET.fromstring(
            str(
                charts.data_table(
                    steps,
                    caption="Invitations",
                    label_header="Step",
                    value_header="Count",
                    share_header="Of invited",
                    percent_format=percent,
                    share_of="first",
                    empty_message="No invitations yet.",
                    number_format=number,
                )
            )
        )

    funnel_rows = [
        [*row.itertext()] for row in table([("Invited", 200), ("Attended", 90)]).iter("tr")
    ]
    assert funnel_rows[1:] == [["Invited", "200", "100%"], ["Attended", "90", "45%"]]
    empty = table([])
    cell = empty.find("tbody/tr/td")
    assert cell is not None and cell.get("colspan") == "3"
    assert empty.findtext("tbody/tr/td") == "No invitations yet."
