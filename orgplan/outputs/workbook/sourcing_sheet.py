"""The workbook's Sourcing sheet: make or buy, as formulas finance can change.

Two tables. **Providers weighed**: one row per provider (and per country for an employer of
record) with its price, quantity, fixed fee and least fee as cells to change (shaded), its
yearly fee and its in-house cost as formulas, and the recommendation as a formula:
outsourced when it is cheaper (or was bought to fit the budget), in house otherwise.
**By HR function**: every function's work, what an FTE of it costs in house - the seats
of the role that would do it on the Positions sheet (at headquarters), or the catalog pay
when the plan has none - the in-house cost, its share of the provider's fee, and the
recommendation. The fees of what is bought in add up in the named cell ``bought_in_fees``,
which the Summary adds to the seats' cost. Change a provider's price and the answer moves;
the seats on Positions are the plan's and change only when orgplan plans again.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from orgplan.outputs.workbook.sheets import FTE, MONEY, Formula, Sheet, literal
from orgplan.reading.columns import letter

if TYPE_CHECKING:
    from orgplan.model.plan import Plan
    from orgplan.planning.sourcing import Offer

__all__ = ["sourcing_sheet", "FEES_NAME"]

FEES_NAME = "bought_in_fees"
LAST_ROW = 1048576
_INPUT_FILL = "#FFF2CC"
OUTSOURCED, IN_HOUSE = "Outsourced", "In house"


@functools.cache
def _ref(key: str) -> str:
    col = letter(key)
    return f"Positions!${col}$2:${col}${LAST_ROW}"


def _label(o: Offer) -> str:
    """An offer as the sheet names it (unique: one per provider, and per country for country providers)."""
    return o.provider.name + (f", {o.country}" if o.country else "")


def _pricing(o: Offer, plan: Plan) -> tuple[float, str, float, float]:
    """The offer's fee as price x quantity a year + fixed fee a month x 12: (price, per, quantity, fixed)."""
    from orgplan.knowledge.sourcing import UNITS

    t = plan.templates
    p = o.provider
    figures = t.sourcing.figures
    price, per, quantity, fixed = 0.0, "", 0.0, 0.0
    for i, key in enumerate(p.fee):
        item = p.prices[key]
        used = item.used_for(o.employees)
        if item.per == "employee_month":
            q = o.employees * 12.0
        elif item.per == "month":
            q = 12.0
        elif item.per == "year":
            q = 1.0
        else:
            q = figures["hire_salary"].value * plan.profile.salary_multiplier * o.hires / 100
        if i == 0:
            price, per, quantity = used, UNITS[item.per], q
        else:
            fixed += used * q / 12
    return price, per, quantity, fixed


def _rate(role_key: str, plan: Plan) -> Formula:
    """What an FTE of the role costs in house: its headquarters seats on Positions, else its catalog pay."""
    t = plan.templates
    role = t.roles[role_key]
    load = t.costing.fee_load if role.paid_as == "fee" else t.costing.benefits_load
    fallback_value = t.costing.annual_cost(
        t.costing.base_salary(role, plan.profile.salary_multiplier), 1.0, float(load.value or 0)
    )
    seats = [s for s in plan.hr_seats if s.role == role_key and not s.country]
    fte = sum(s.fte for s in seats)
    value = sum(s.annual_cost for s in seats) / fte if fte else fallback_value
    title = literal(role.title)
    fallback = f"ROUND(ROUND({role.salary.base:g}*salary_multiplier,0)*{load.name},0)"
    cost, count = _ref("annual_cost"), _ref("fte")
    roles, countries = _ref("role"), _ref("country")
    text = (
        f'=IFERROR(SUMIFS({cost},{roles},{title},{countries},"")/SUMIFS({count},{roles},{title},{countries},""),'
        f"{fallback})"
    )
    return Formula(text, value)


def sourcing_sheet(sheet: Sheet, plan: Plan) -> int:
    """Write the Sourcing sheet; return the fees of what is bought in, as the sheet computes them."""
    t = plan.templates
    weighing = plan.weighing
    offers: list[Offer] = list(weighing.offers) if weighing is not None else []
    sheet.title(
        "Make or buy",
        "Every provider weighed against doing the work in house. Shaded cells are prices to change: the fees and "
        "the recommendations follow, and the fees of what is bought in join the Summary's annual cost. The seats "
        "on Positions change only when orgplan plans again.",
    )
    for col, width in ((0, 34), (1, 40), (8, 90)):
        sheet.cap(col, width)
    # the function rows, worked out first: the providers' table refers to them
    lines = list(plan.sourcing)
    offer_of = {(o.provider.key, o.country): o for o in offers}
    first_offer = 7  # 0-based row of the first provider
    last_offer = first_offer + max(len(offers), 1) - 1
    func_header = last_offer + 4
    first_func = func_header + 1
    last_func = first_func + max(len(lines), 1) - 1
    A = f"$A${first_offer + 1}:$A${last_offer + 1}"
    fkey, fcost, fwork = (f"${c}${first_func + 1}:${c}${last_func + 1}" for c in "CFD")

    # By HR function: values first, so the providers' sums can be stored with their results
    rows: list[dict[str, Any]] = []
    for e in lines:
        o = offer_of.get((e["provider"], e["country"])) if e["provider"] else None
        rate = _rate(weighing.rates[e["function"]][1], plan) if weighing is not None else Formula("=0", 0)
        if o is not None:
            work = float(o.takes[e["function"]])
        else:
            work = float(weighing.remaining.get(e["function"], e["fte"]) if weighing is not None else e["fte"])
        rows.append({"e": e, "o": o, "rate": rate, "work": work, "cost": round(work * float(rate.value))})
    in_house_of: dict[str, float] = {}
    work_of: dict[str, float] = {}
    for item in rows:
        if item["o"] is not None:
            key = _label(item["o"])
            in_house_of[key] = in_house_of.get(key, 0.0) + item["cost"]
            work_of[key] = work_of.get(key, 0.0) + item["work"]

    # Providers weighed
    sheet.section(5, "Providers weighed: the shaded prices are yours to change", 14)
    sheet.header(
        6,
        (
            "Provider",
            "Takes",
            "Work it takes (FTE)",
            "In-house cost (USD)",
            "Also in house a year (USD)",
            "Price (USD)",
            "Per",
            "Quantity a year",
            "Fixed fee a month (USD)",
            "Least fee a month (USD)",
            "Fee a year (USD)",
            "Bought to fit the budget",
            "Not bought: taken by",
            "Recommendation",
            "Source",
        ),
    )
    decided: dict[str, tuple[int, str]] = {}  # offer label -> (fee, recommendation) as the sheet computes them
    bought_keys = {f for o in offers if o.bought for f in o.takes}
    for row, o in enumerate(offers, start=first_offer):
        r = row + 1
        label = _label(o)
        price, per, quantity, fixed = _pricing(o, plan)
        least = o.provider.minimum_month
        fee = round(max(price * quantity + fixed * 12, least * 12))
        seats = o.provider.compare == "seats"
        also = float(o.extra) if o.provider.compare == "entity" else 0.0
        in_house = float(o.in_house) if seats else in_house_of.get(label, 0.0) + also
        overlap = ""
        if not o.bought and o.net < 0 and any(f in bought_keys for f in o.takes):
            overlap = "; ".join(
                dict.fromkeys(
                    _label(x)
                    for x in offers
                    if x.bought and x is not o and x.country == o.country and set(x.takes) & set(o.takes)
                )
            )
        forced = "Yes" if o.forced else ""
        verdict = OUTSOURCED if forced or (fee < in_house and not overlap) else IN_HOUSE
        decided[label] = (fee, verdict)
        sheet.put(row, 0, label)
        sheet.put(row, 1, "; ".join(t.function_label(f) for f in o.takes), wrap=True)
        sheet.put(row, 2, Formula(f"=SUMIF({fkey},A{r},{fwork})", work_of.get(label, 0.0)), FTE)
        if seats:
            sheet.put(row, 3, in_house, MONEY)  # the seats the plan saves with it: planned with and without it
        else:
            sheet.put(row, 3, Formula(f"=SUMIF({fkey},A{r},{fcost})+E{r}", in_house), MONEY)
        sheet.put(row, 4, also, MONEY, fill=_INPUT_FILL)
        sheet.put(row, 5, price, "#,##0.00", fill=_INPUT_FILL)
        sheet.put(row, 6, per)
        sheet.put(row, 7, quantity, "#,##0.0")
        sheet.put(row, 8, fixed, MONEY, fill=_INPUT_FILL)
        sheet.put(row, 9, least, MONEY, fill=_INPUT_FILL)
        sheet.put(row, 10, Formula(f"=ROUND(MAX(F{r}*H{r}+I{r}*12,J{r}*12),0)", fee), MONEY)
        sheet.put(row, 11, forced)
        sheet.put(row, 12, overlap)
        sheet.put(
            row,
            13,
            Formula(f'=IF(L{r}="Yes","{OUTSOURCED}",IF(AND(K{r}<D{r},M{r}=""),"{OUTSOURCED}","{IN_HOUSE}"))', verdict),
            bold=True,
        )
        sheet.put(
            row,
            14,
            o.provider.source + ("; the in-house cost is the seats the plan saves with it" if seats else ""),
            wrap=True,
        )
    if not offers:
        sheet.span(first_offer, 0, "No provider of the price list applies to this company.", note=True)
    fees = sum(fee for fee, verdict in decided.values() if verdict == OUTSOURCED)
    N, K = (f"${c}${first_offer + 1}:${c}${last_offer + 1}" for c in "NK")
    sheet.put(3, 0, "Fees for work bought in, a year (USD)", bold=True)
    sheet.put(3, 1, Formula(f'=SUMIF({N},"{OUTSOURCED}",{K})', fees), MONEY, bold=True)
    sheet.book.define(FEES_NAME, sheet.name, 3, 1)

    # By HR function
    sheet.section(func_header - 1, "By HR function", 8)
    sheet.header(
        func_header,
        (
            "Function",
            "Country",
            "Provider",
            "Work (FTE)",
            "Cost of an FTE in house (USD)",
            "In-house cost (USD)",
            "Outsourced cost (USD)",
            "Recommendation",
            "Why",
        ),
    )
    for row, item in enumerate(rows, start=first_func):
        r = row + 1
        line, o = item["e"], item["o"]
        sheet.put(row, 0, t.function_label(line["function"]))
        sheet.put(row, 1, line["country"] or "")
        sheet.put(row, 3, item["work"], FTE)
        sheet.put(row, 4, item["rate"], MONEY)
        sheet.put(row, 5, Formula(f"=ROUND(D{r}*E{r},0)", item["cost"]), MONEY)
        if o is None:
            sheet.put(row, 7, IN_HOUSE)
        else:
            label = _label(o)
            fee, verdict = decided[label]
            total = in_house_of.get(label, 0.0)
            count = sum(1 for x in rows if x["o"] is o)
            share = round(fee * item["cost"] / total) if total else round(fee / count)
            look = f"INDEX({K},MATCH(C{r},{A},0))"
            sheet.put(row, 2, label)
            sheet.put(
                row,
                6,
                Formula(
                    f"=IF(SUMIF({fkey},C{r},{fcost})=0,ROUND({look}/COUNTIF({fkey},C{r}),0),"
                    f"ROUND({look}*F{r}/SUMIF({fkey},C{r},{fcost}),0))",
                    share,
                ),
                MONEY,
            )
            sheet.put(row, 7, Formula(f"=INDEX({N},MATCH(C{r},{A},0))", verdict), bold=verdict == OUTSOURCED)
        sheet.put(row, 8, line["reason"], wrap=True)
    sheet.finish(repeat_cols=0)
    return fees
