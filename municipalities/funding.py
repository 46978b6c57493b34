"""A funding round's grants as a table (municipality × year) and as a server-drawn bar chart."""

from dataclasses import dataclass, field


@dataclass
class GrantRow:
    municipality: object
    amounts: list  # one (amount or None, is_example) per year of the round
    total: int = 0
    has_example: bool = False


@dataclass
class GrantTable:
    years: list
    rows: list
    year_totals: list
    total: int
    has_example: bool
    bars: list = field(default_factory=list)
    chart_height: int = 0


# Chart geometry, in SVG user units; the SVG scales to its container.
CHART_WIDTH = 720
LABEL_WIDTH = 150
VALUE_WIDTH = 110
BAR_HEIGHT = 18
BAR_GAP = 8
TOP = 8


def grant_table(funding_round, grants):
    """Rows of municipalities (largest total first), a column per year, and the chart's bars."""
    years = list(funding_round.years)
    by_municipality = {}
    for grant in grants:
        row = by_municipality.setdefault(
            grant.municipality_id,
            GrantRow(grant.municipality, [(None, False) for _ in years]),
        )
        if grant.year in years:
            row.amounts[years.index(grant.year)] = (grant.amount, grant.is_example)
        row.total += grant.amount
        row.has_example = row.has_example or grant.is_example
    rows = sorted(by_municipality.values(), key=lambda r: (-r.total, r.municipality.name))
    year_totals = [sum(row.amounts[i][0] or 0 for row in rows) for i in range(len(years))]
    table = GrantTable(
        years=years,
        rows=rows,
        year_totals=year_totals,
        total=sum(year_totals),
        has_example=any(row.has_example for row in rows),
    )
    biggest = max((row.total for row in rows), default=0)
    span = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    for i, row in enumerate(rows):
        y = TOP + i * (BAR_HEIGHT + BAR_GAP)
        width = round(span * row.total / biggest, 1) if biggest else 0
        table.bars.append(
            {
                "row": row,
                "y": y,
                "text_y": y + BAR_HEIGHT - 4,
                "x": LABEL_WIDTH,
                "width": max(width, 1),
                "value_x": LABEL_WIDTH + width + 6,
                "label_x": LABEL_WIDTH - 6,
            }
        )
    table.chart_height = TOP * 2 + len(rows) * (BAR_HEIGHT + BAR_GAP)
    return table
