"""A clinic profile: one small YAML file (``profiles/<id>.yml``) that puts a clinic's name and
numbers on its own edition of the client handouts (``make handouts PROFILE=...``,
``pipeline/profiles.py``).

The file is checked against ``schemas/profile.schema.json`` (the ``jsonschema`` library, as the
linter's data is: ``lint/rules.py``), then for what a schema cannot say: a text given per
language names every language the clinic serves, and the logo's file exists. Each problem
names the profile's file and line and what to do. A text is either one string (the same in
every language) or one per language: :meth:`Profile.text` picks the page's.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..problems import Problem, ProblemsFound
from .national_lines import SCHEMA as NATIONAL_SCHEMA
from .national_lines import NationalLines
from .yamldata import SCHEMAS, load_checked, node_line, schema_problems, shown

SCHEMA = SCHEMAS / "profile.schema.json"
#: Where a book keeps its clinics' profiles (``make profiles`` builds each).
PROFILES = "profiles"


@dataclass(frozen=True)
class Service:
    """A local crisis or walk-in service: its name, number and hours (texts by language)."""

    name: str | dict[str, str]
    phone: str
    hours: str | dict[str, str] | None = None


@dataclass(frozen=True)
class Profile:
    """One clinic's profile, checked."""

    path: Path
    ident: str  # the file's name without .yml: the edition's folder, _build/profiles/<ident>
    name: str
    languages: tuple[str, ...]
    box: str  # "first" or "last": the page the clinic's box goes on
    phones: dict[str, str]  # main, and after_hours and counselor when given
    services: tuple[Service, ...] = ()
    naloxone: str | dict[str, str] | None = None
    website: str | None = None
    logo: Path | None = None
    logo_alt: str = ""
    logo_decorative: bool = False  # says only the name: an artifact at the top of page 1
    #: Outside the United States, the country's own lines (else the book's, the US lines).
    national_lines: NationalLines | None = None

    @staticmethod
    def text(value: str | dict[str, str] | None, language: str) -> str:
        """``value`` in ``language`` (a plain string is the same in every language)."""
        if value is None:
            return ""
        return value if isinstance(value, str) else value[language]

    def numbers(self) -> list[str]:
        """Every number the profile gives, as written."""
        return [*self.phones.values(), *(s.phone for s in self.services)]


def read_profile(path: Path) -> Profile:
    """The profile at ``path``; :class:`ProblemsFound` names each problem's line in it."""
    name = shown(path)
    if not path.is_file():
        raise ProblemsFound(
            [
                Problem(
                    name,
                    0,
                    "there is no such profile",
                    f"give the path of a clinic profile, e.g. {PROFILES}/<id>.yml "
                    "(CONTRIBUTING.md, 'Clinic editions')",
                )
            ]
        )
    data, tree = load_checked(path, SCHEMA)
    if not isinstance(data, dict):  # the schema said so already; for the type checker
        raise ProblemsFound([Problem(name, 1, "a profile is a mapping of names to values")])
    languages = tuple(data["languages"])
    problems = []

    def check_text(value, where: list) -> None:
        if isinstance(value, dict):
            for language in languages:
                if language not in value:
                    problems.append(
                        Problem(
                            name,
                            node_line(tree, where),
                            f"this text has no {language!r} version, and the clinic serves "
                            f"{', '.join(languages)}",
                            f"add `{language}: ...` (or give one string for every language)",
                        )
                    )

    services = []
    for n, service in enumerate(data.get("services", [])):
        check_text(service["name"], ["services", n, "name"])
        check_text(service.get("hours"), ["services", n, "hours"])
        services.append(Service(service["name"], service["phone"], service.get("hours")))
    check_text(data.get("naloxone"), ["naloxone"])
    logo = None
    if "logo" in data:
        logo = (path.parent / data["logo"]["file"]).resolve()
        if not logo.is_file():
            problems.append(
                Problem(
                    name,
                    node_line(tree, ["logo", "file"]),
                    f"the logo {data['logo']['file']} is not there (beside the profile)",
                    "put the SVG or PNG file beside the profile, or correct its name",
                )
            )
    national = None
    if "national_lines" in data:
        national, found = _national_lines(data["national_lines"], tree, name, languages)
        problems += found
    if problems:
        raise ProblemsFound(problems)
    return Profile(
        path=path,
        ident=path.name.removesuffix(".yml").removesuffix(".yaml"),
        name=data["name"],
        languages=languages,
        box=data["box"],
        phones=dict(data["phones"]),
        services=tuple(services),
        naloxone=data.get("naloxone"),
        website=data.get("website"),
        logo=logo,
        logo_alt=data["logo"].get("alt", "") if "logo" in data else "",
        logo_decorative=bool(data.get("logo", {}).get("decorative")),
        national_lines=national,
    )


#: The lines a replacement must give in every language the clinic serves, each with its number.
NUMBERED = ("crisis", "emergency", "helpline")


def _national_lines(
    data: object, tree, name: str, languages: tuple[str, ...]
) -> tuple[NationalLines | None, list[Problem]]:
    """A profile's own national lines, checked as ``national_lines.yml`` is, and then: each
    line that carries a number has a text in every language the clinic serves, and that text
    names the number (so the safety messages can find it)."""
    at = ("national_lines",)
    problems = schema_problems(data, tree, NATIONAL_SCHEMA, name, at)
    if problems or not isinstance(data, dict):
        return None, problems
    lines = NationalLines.from_data(data)
    for key in NUMBERED:
        number = lines.numbers[key]
        for language in languages:
            text = lines.text(key, language)
            if number not in text:
                problems.append(
                    Problem(
                        name,
                        node_line(tree, [*at, "texts", key]),
                        f"the {key} line's {language!r} text "
                        + (f"does not name its number {number}" if text else "is missing"),
                        f"write the {language} words with the number in them, as the handouts "
                        "read them (src/addictionbook/content/national_lines.yml shows the US "
                        "ones)",
                    )
                )
    return lines, problems


def profile_paths(root: Path) -> list[Path]:
    """Every profile in the book's ``profiles/`` folder, in name order."""
    folder = root / PROFILES
    return sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")]) if folder.is_dir() else []


__all__ = ["Profile", "Service", "profile_paths", "read_profile"]
