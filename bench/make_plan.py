"""Write a synthetic, valid cap plan of N actions, shaped like a real council's plan.

    python bench/make_plan.py N OUT [--seed SEED]

The same N and seed always give the same bytes. The plan uses cap's default status vocabulary,
period "2024-25" and as_of 2024-11-30 (a mid-year update), 5-8 themes, programmes of 3-12
actions, ids like "TH1-001", leads from a pool of 30, descriptions and progress updates as
multi-line strings of 1-3 paragraphs (300-900 characters), and a few comments. Some unfinished
actions are overdue, so `cap validate` reports warnings but no errors. Standard library only.
"""

from __future__ import annotations

import argparse
import random
from itertools import pairwise
from pathlib import Path

AS_OF = "2024-11-30"

LEADS = [
    "Executive Director (Communities)",
    "Executive Director (Place)",
    "Executive Director (s151)",
    "Chief Executive",
    "Head of Housing & Community Safety",
    "Head of Planning & Economic Development",
    "Head of Finance",
    "Head of Legal & Democratic Services",
    "Head of People & Organisational Development",
    "Head of ICT & Digital",
    "Head of Environmental Services",
    "Head of Leisure & Culture",
    "Housing Services Team",
    "Housing Options Manager",
    "Planning Policy Team",
    "Development Management Team",
    "Economic Development Manager",
    "Climate Change Officer",
    "Waste & Recycling Manager",
    "Neighbourhood Services Team",
    "Health, Leisure & Tourism Team",
    "Customer Insights, Experience and Engagement Team",
    "Communications & Marketing Manager",
    "Revenues & Benefits Manager",
    "Procurement Lead",
    "Corporate Services Manager",
    "Community Safety Partnership Manager",
    "Property & Assets Manager",
    "Regeneration Team",
    "Emergency Planning Officer",
]

THEMES = [
    "Enabling Our Communities, Especially Our Vulnerable Residents",
    "Enhancing & Maintaining Our Natural & Built Environments",
    "Growing & Supporting Our Economy",
    "Keeping You Safe & Healthy",
    "Ambitious & Well Managed Council, Valuing Our People",
    "Delivering Homes That Meet Local Needs",
    "A Greener, Cleaner District",
    "Town Centres That Thrive",
]

VERBS = ["Deliver", "Review", "Implement", "Develop", "Refresh", "Complete", "Launch", "Adopt",
         "Procure", "Introduce", "Expand", "Consult on", "Embed", "Establish", "Evaluate"]
ADJECTIVES = ["new", "revised", "corporate", "district-wide", "digital", "local", "joint",
              "updated", "community", "strategic", "improved", "second-phase"]
NOUNS = ["Homelessness Strategy", "Local Plan", "Climate Action Plan", "Leisure Centre contract",
         "Customer Experience Strategy", "Workforce Development Plan", "Waste Collection Service",
         "Tenancy Strategy", "Economic Growth Plan", "Car Parking Strategy", "ICT Strategy",
         "Medium Term Financial Strategy", "Community Safety Plan", "Tree Planting Programme",
         "Disabled Facilities Grants service", "Asset Management Plan", "Town Centre Masterplan",
         "Health and Wellbeing Plan", "Procurement Strategy", "Biodiversity Net Gain scheme",
         "Electric Vehicle Charging network", "Housing Allocations Policy", "Planning Portal",
         "Shared Prosperity Fund programme", "Member Development Programme"]
TAILS = ["across the District", "for our residents", "with our partners", "by March 2025",
         "in line with the Local Plan", "with the County Council", "for local businesses",
         "for vulnerable residents", "within the agreed budget", "in our town centres"]

SUBJECTS = ["The project board", "The lead officer", "The working group", "The service",
            "The team", "The partnership", "The portfolio holder", "The steering group",
            "Cabinet", "The contractor", "The Scrutiny Commission", "The consultant",
            "The programme team"]
PREDICATES = [
    "has agreed the scope and timetable for the next phase of work",
    "has completed the initial consultation with residents and local businesses",
    "is reviewing the responses received and will report the findings to Cabinet",
    "met in October to agree the priorities for the remainder of the year",
    "has secured £{money} of external funding towards the scheme",
    "is working closely with colleagues at the County Council on delivery",
    "has drafted a business case which is now being considered by senior leadership",
    "has procured a supplier through a compliant framework and mobilisation is under way",
    "is monitoring performance monthly against the agreed key performance indicators",
    "will present a revised delivery plan to the Scrutiny Commission in {month}",
    "has identified a number of risks which are recorded on the corporate risk register",
    "has recruited to the vacant posts, increasing capacity within the service",
    "is mapping current processes to identify where digital improvements can be made",
    "has undertaken engagement sessions with parish councils and community groups",
    "expects the final report to be approved by Council in {month}",
    "has revised the project timeline following delays in the national guidance",
    "continues to collect data to establish a baseline for measuring outcomes",
    "is preparing a report for members setting out the options and their costs",
]
AIMS = [
    "This will help us to meet the needs of our most vulnerable residents.",
    "The aim is to improve outcomes while keeping costs within the agreed budget.",
    "This supports the council's commitment to reach net zero by 2030.",
    "Doing so will make our services easier to use for everyone in the District.",
    "It will give local businesses the confidence to invest and grow.",
    "The work responds to feedback from the residents' survey carried out last year.",
    "This reflects the priorities set out in the Blaby District Plan 2024-2028.",
    "The outcome will be reported to members through the quarterly performance report.",
    "Further work is needed to understand the full demands on the service.",
    "Partners have welcomed the approach and committed resources to support it.",
]
MONTHS = ["December", "January", "February", "March", "April", "May", "June", "July",
          "September", "October"]

PROGRAMME_WORDS = ["Homelessness Prevention", "Council Net Zero 2030", "Digital Transformation",
                   "Community Health & Well-Being", "Housing Delivery", "Economic Recovery",
                   "Green Spaces", "Customer Experience", "Financial Sustainability",
                   "People Strategy", "Town Centre Regeneration", "Waste & Recycling",
                   "Community Safety", "Leisure & Culture", "Planning Improvement",
                   "Equalities, Diversity & Inclusion", "Asset Management", "Climate Adaptation"]

# Statuses at a mid-year update, with weights: most on track, some at risk, a few done.
STATUSES = [("green", 38), ("amber", 15), ("red", 6), ("not-started", 11), ("completed", 22),
            ("carried-forward", 4), ("cancelled", 4)]
FINISHED = {"completed", "carried-forward", "cancelled"}
# Months an unfinished action can be due: April 2024 (start of the period) to March 2026.
DUE_MONTHS = [f"{y}-{m:02d}" for y, m in
              [(2024, m) for m in range(4, 13)] + [(2025, m) for m in range(1, 13)]
              + [(2026, m) for m in range(1, 4)]]


def title(rng: random.Random) -> str:
    while True:
        words = [rng.choice(VERBS), "the"]
        if rng.random() < 0.6:
            words.append(rng.choice(ADJECTIVES))
        words.append(rng.choice(NOUNS))
        for _ in range(rng.randint(0, 2)):
            words.append(rng.choice(TAILS))
        text = " ".join(words)
        if 5 <= len(text.split()) <= 12:
            return text


def sentence(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return rng.choice(AIMS)
    pred = rng.choice(PREDICATES).format(
        money=f"{rng.randint(2, 95) * 10_000:,}", month=rng.choice(MONTHS))
    return f"{rng.choice(SUBJECTS)} {pred}."


def text(rng: random.Random, low: int = 300, high: int = 900) -> str:
    """1-3 paragraphs, one to a line, of low..high characters in all."""
    target = rng.randint(low, high)
    sentences: list[str] = []
    total = -1
    while total < target:
        more = sentence(rng)
        if total + 1 + len(more) > high:
            break
        sentences.append(more)
        total += 1 + len(more)
    paragraphs = min(rng.choice([1, 1, 2, 2, 2, 3]), len(sentences))
    cuts = sorted(rng.sample(range(1, len(sentences)), paragraphs - 1))
    bounds = [0, *cuts, len(sentences)]
    return "\n".join(" ".join(sentences[a:b]) for a, b in pairwise(bounds))


def multiline(value: str) -> str:
    assert '"' not in value and "\\" not in value
    return f'"""\n{value}"""'


def due_for(rng: random.Random, status: str) -> str | None:
    """A `due` line's value as TOML, or None for a finished action that has none."""
    if status in FINISHED and rng.random() < 0.15:
        return None
    r = rng.random()
    if r < 0.14:
        return '"ongoing"'
    if status in FINISHED:
        month = rng.choice(DUE_MONTHS[:12])  # April 2024 .. March 2025
    elif status in ("amber", "red") and rng.random() < 0.35:
        month = rng.choice(DUE_MONTHS[:8])  # due by November 2024, so overdue
    elif status == "green" and rng.random() < 0.05:
        month = rng.choice(DUE_MONTHS[:7])
    else:
        month = rng.choice(DUE_MONTHS[8:])  # December 2024 onwards
    if r < 0.24:
        day = rng.choice([15, 28, 30]) if month[-2:] != "02" else 28
        return f"{month}-{day:02d}"  # a TOML date, no quotes
    return f'"{month}"'


def programme_sizes(rng: random.Random, n: int) -> list[int]:
    """Programme sizes of 3-12 actions adding up to n (fewer only when n itself is below 3)."""
    sizes = []
    while n > 0:
        k = n if n <= 12 else rng.randint(3, min(12, n - 3))
        sizes.append(k)
        n -= k
    return sizes


def make_plan(n: int, seed: int = 2024) -> str:
    rng = random.Random(f"{seed}:{n}")
    sizes = programme_sizes(rng, n)
    n_themes = min(rng.randint(5, 8), len(sizes))
    # programmes go to themes in order, roughly evenly
    per_theme = [len(sizes) // n_themes + (1 if i < len(sizes) % n_themes else 0)
                 for i in range(n_themes)]
    lines = [
        "# Example District Council: Corporate Action Plan 2024-25, mid-year progress update.",
        f"# Synthetic plan of {n} actions written by bench/make_plan.py (seed {seed}) for",
        "# benchmarking cap. Every council, officer and figure in it is made up.",
        "",
        "[plan]",
        'council = "Example District Council"',
        'title = "Corporate Action Plan 2024-25"',
        'period = "2024-25"',
        'vision = "A great place to live, work and visit."',
        'reporting_point = "Mid-Year Progress Update"',
        f"as_of = {AS_OF}  # the date the progress updates speak for",
    ]
    statuses, weights = zip(*STATUSES, strict=True)
    p_index = 0
    for t in range(n_themes):
        tid = f"TH{t + 1}"
        lines += ["", "[[theme]]", f'id = "{tid}"', f'title = "{THEMES[t % len(THEMES)]}"']
        if rng.random() < 0.5:
            lines.append(f"description = {multiline(text(rng, 150, 400))}")
        a_number = 0
        for p in range(per_theme[t]):
            size = sizes[p_index]
            p_index += 1
            lines.append("")
            if rng.random() < 0.1:
                lines.append("# Added at the Q2 review.")
            lines += [
                "[[theme.programme]]",
                f'id = "{tid}-P{p + 1:02d}"',
                f'title = "{rng.choice(PROGRAMME_WORDS)}"',
            ]
            if rng.random() < 0.15:
                lines.append('kind = "projects"')
            lines += [f'lead = "{rng.choice(LEADS[:12])}"',
                      f"description = {multiline(text(rng, 200, 600))}"]
            for _ in range(size):
                a_number += 1
                status = rng.choices(statuses, weights)[0]
                lines.append("")
                if rng.random() < 0.03:
                    lines.append("# Raised by the Scrutiny Commission; see the minutes of its "
                                 "October meeting.")
                lines += [
                    "[[theme.programme.action]]",
                    f'id = "{tid}-{a_number:03d}"',
                    f'title = "{title(rng)}"',
                    f"description = {multiline(text(rng))}",
                    f'lead = "{rng.choice(LEADS)}"',
                ]
                due = due_for(rng, status)
                if due is not None:
                    comment = "  # moved at the Q2 review" if rng.random() < 0.04 else ""
                    lines.append(f"due = {due}{comment}")
                lines.append(f'status = "{status}"')
                if status != "not-started" or rng.random() < 0.4:
                    lines.append(f"progress = {multiline(text(rng))}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, metavar="N", help="how many actions")
    parser.add_argument("out", metavar="OUT", help="the file to write")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    if args.n < 1:
        parser.error("N must be at least 1")
    Path(args.out).write_text(make_plan(args.n, args.seed), encoding="utf-8", newline="\n")


if __name__ == "__main__":
    main()
