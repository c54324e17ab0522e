"""docs/rules.md, generated from the shipped packs (`python -m carbonexpo.rules.docs`); a test
keeps the file equal to what this prints."""

from __future__ import annotations

import inspect

from carbonexpo.rules.named import DOCUMENTS, RULES
from carbonexpo.rules.pack import Pack, all_packs

HEAD = """\
# Rule packs: what may be claimed, where, under which rules

Generated from `carbonexpo/rules/packs/*.yaml` by `python -m carbonexpo.rules.docs`; do not
edit by hand. `carbonexpo claims DIR [--json PATH] [--require PACK] [--lang zh|en]` prints
every pack's verdict; the result JSON holds them in `claims`, the report in section 6, and a
certificate lists the packs that apply (`rule_packs`).

## How a pack is judged

- A pack is **in force** from `effective_from` (to `effective_to`) on the event's **last day**
  (the day a claim can be made): an event dated 2024 is judged by the rules of 2024.
- It **applies** when the venue (or any site) is in its countries and provinces (`venue.region`,
  ISO 3166-2, or read from the venue's coordinates: the nearest city of the shipped GeoNames
  data) and, for packs that name markets, when `claim.markets` names one of them.
- Verdict: **may_not** when any rule fails; **not_checked** when none fails but one needs what
  the event folder does not hold (said as not checked, never as passed); **may** when every
  rule passed. A pack that is not in force or does not apply is listed as not_checked with
  the reason.
- Credits are judged by each pack's own rules: a block rejected by the calculation only for
  its registry or retirement date (rules that depend on the standard) is re-judged by the
  pack; a block not retired for this event, claimed by another event, too old or of the
  event's own programme counts under no pack.
- The certificate is refused when the pack of the chosen `claim.standard` says may_not.

## What the event folder can declare (event.yaml)

```yaml
venue:
  region: CN-31            # optional: ISO 3166-2 province (else read from the coordinates)
claim:
  markets: [DE, FR]        # where the claim is made to consumers (EU: Directive 2024/825)
  route: self_declaration  # or certificate (Guangdong's two routes)
  documents:               # files of the event folder; a date where a pack asks for one
    management_plan: {file: docs/plan.pdf, date: 2025-05-10}
    pre_accounting_report: docs/pre-event-ghg.pdf
    verification_statement: docs/verification.pdf
    evidence_file: evidence.zip
    declaration: docs/declaration.pdf
    platform_declaration: docs/platform-receipt.pdf
```

Document keys: {documents}.

## Named rules

The logic lives in code (`carbonexpo/rules/named.py`); packs name a rule and give its
parameters and clause.

{rules}
## Scope 2 side by side

When the event has hourly data (hourly matching), the result's `scope2_regimes` gives the
market-based electricity under the GHG Protocol Scope 2 Guidance (2015, in force: annual
matching) and under the Scope 2 revision's consultation draft (2025, draft: hourly matching,
deliverability through on-site generation and hourly contracted supply), labelled by status.

## Packs
"""


def _params(params: dict[str, object]) -> str:
    return ", ".join(f"`{k}`: {v}" for k, v in params.items()) if params else "—"


def pack_markdown(p: Pack) -> str:
    a = p.applies
    where = "; ".join(
        part
        for part in (
            f"countries {', '.join(a.countries)}" if a.countries else "",
            f"provinces {', '.join(a.regions)}" if a.regions else "",
            f"markets {', '.join(a.markets)}" if a.markets else "",
        )
        if part
    )
    rows = [
        f"### `{p.id}` — version {p.version}",
        "",
        f"{p.title.en}  ",
        f"{p.title.zh}",
        "",
        f"- publisher: {p.publisher.en} / {p.publisher.zh}",
        f"- document: {p.document}",
        f"- kind: {p.kind}" + (f" (claim.standard `{p.standard}`)" if p.standard else ""),
        f"- in force: from {p.effective_from}"
        + (f" to {p.effective_to}" if p.effective_to else ""),
        f"- applies: {where or 'anywhere'}",
        f"- source: {p.source.strip()}",
        "",
        "| rule | clause | parameters |",
        "|---|---|---|",
    ]
    rows += [f"| `{r.rule}` | {r.clause} | {_params(r.params)} |" for r in p.rules]
    if p.evidence:
        rows += ["", "Evidence to keep:", ""]
        rows += [f"- {e.en} / {e.zh}" for e in p.evidence]
    if p.wording:
        rows += ["", "Wording:", ""]
        rows += [f"- {k}: {t.en} / {t.zh}" for k, t in p.wording.items()]
    return "\n".join(rows) + "\n"


def rules_markdown() -> str:
    named = "".join(
        f"- `{name}`: {inspect.getdoc(rule.check) or ''}".replace("\n", " ") + "\n"
        for name, rule in sorted(RULES.items())
    )
    head = HEAD.replace("{documents}", ", ".join(f"`{d}`" for d in DOCUMENTS))
    head = head.replace("{rules}", named)
    return head + "\n" + "\n".join(pack_markdown(p) for p in all_packs())


if __name__ == "__main__":
    print(rules_markdown(), end="")
