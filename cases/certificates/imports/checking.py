"""Checking one row of results against the plan and the body's scope."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from dateutil.relativedelta import relativedelta
from django.conf import settings
from stdnum.cn import ric

from cases.certificates.imports.columns import _FAILED, _PASSED, COLUMNS, MINIMUM_AGE, SCORE_KEYS, _text, parse_level
from cases.common.identity import id_number_hash, mask_id_number, normalise_id_number, resident_id_problem

# Checking rows


@dataclass
class RowResult:
    candidate: dict | None
    problems: list[tuple[str, str, dict]]  # (column key, code, params)


class RowChecker:
    """Checks one row on its own against the plan and the body's filed scope."""

    def __init__(self, plan, scope_rows):
        self.plan = plan
        self.pass_mark = Decimal(settings.CERTIFICATE_PASS_MARK)
        # occupation code -> levels certifiable now, from the filing's unsuspended scope
        self.scope = {row.occupation.code: set(row.levels) for row in scope_rows}
        self.latest_birth = plan.assessment_date - relativedelta(years=MINIMUM_AGE)

    def check(self, values: dict) -> RowResult:
        problems = []
        for column in COLUMNS:
            if column.required and values.get(column.key) in (None, ""):
                problems.append((column.key, "required", {"column": column.key}))
        name = _text(values.get("name"))
        if len(name) > 50:
            problems.append(("name", "name_too_long", {}))
        id_hash, id_masked = self._id_number(values.get("id_number"), problems)
        self._occupation_and_level(values, problems)
        scores = {key: self._score(key, values.get(key), problems) for key in SCORE_KEYS}
        if all(values.get(key) in (None, "") for key in SCORE_KEYS):
            problems.append(("theory_score", "score_missing", {}))
        passed = self._result(values.get("result"), problems)
        if passed:
            for key, score in scores.items():
                if score is not None and score < self.pass_mark:
                    problems.append(
                        (key, "passed_below_mark", {"column": key, "value": str(score), "mark": str(self.pass_mark)})
                    )
        if problems:
            return RowResult(None, problems)
        return RowResult(
            {"name": name, "id_hash": id_hash, "id_masked": id_masked, "passed": passed, **scores}, problems
        )

    def _id_number(self, raw, problems):
        if raw in (None, ""):
            return None, None
        if isinstance(raw, int | float):
            problems.append(("id_number", "id_as_number", {}))
            return None, None
        number = normalise_id_number(raw)
        masked = {"value": mask_id_number(number) if len(number) > 7 else "*" * len(number)}
        problem = resident_id_problem(number)
        if problem is not None:
            problems.append(("id_number", f"id_{problem}", masked))
            return None, None
        if ric.get_birth_date(number) > self.latest_birth:
            problems.append(("id_number", "too_young", {**masked, "age": MINIMUM_AGE}))
        return id_number_hash(number), mask_id_number(number)

    def _occupation_and_level(self, values, problems):
        code = _text(values.get("occupation_code"))
        level = parse_level(values.get("level"))
        raw_level = _text(values.get("level"))
        if raw_level and level is None:
            problems.append(("level", "level_invalid", {"value": raw_level}))
        if not code:
            return
        if code not in self.scope:
            problems.append(("occupation_code", "occupation_outside_scope", {"value": code}))
            return
        if code != self.plan.occupation.code:
            problems.append(
                ("occupation_code", "occupation_not_plan", {"value": code, "expected": str(self.plan.occupation)})
            )
            return
        if level is None:
            return
        if level not in self.scope[code]:
            problems.append(("level", "level_outside_scope", {"level": level}))
        elif level != self.plan.level:
            problems.append(("level", "level_not_plan", {"level": level, "expected_level": self.plan.level}))

    def _score(self, key, raw, problems) -> Decimal | None:
        if raw in (None, ""):
            return None
        text = _text(raw)
        try:
            score = Decimal(text)
        except InvalidOperation:
            score = None
        if score is None or not score.is_finite() or not (0 <= score <= 100) or score != score.quantize(Decimal("0.1")):
            problems.append((key, "score_invalid", {"column": key, "value": text[:20]}))
            return None
        return score.quantize(Decimal("0.1"))

    def _result(self, raw, problems) -> bool | None:
        if raw in (None, ""):
            return None
        text = _text(raw).lower()
        if text in _PASSED:
            return True
        if text in _FAILED:
            return False
        problems.append(("result", "result_invalid", {"value": _text(raw)[:20]}))
        return None
