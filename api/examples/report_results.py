"""Report assessment results through the REST API, as an enterprise's HR system would.

Plans an assessment today under the organisation's active filing, opens its result batch, uploads the
candidates with one bad row, prints the problem the API names, fixes the row, uploads again and submits.
It then waits while the bureau approves the batch in the web UI, lists the certificates issued and
downloads the first one's PDF. Standard library only; run it from anywhere:

    .venv/bin/python api/examples/report_results.py --key fk_… [--base http://127.0.0.1:8000]

The key needs the scopes `read` and `submit` (the key may also come from the FILING_API_KEY variable).
"""

import argparse
import datetime
import json
import os
import random
import sys
import time
import urllib.error
import urllib.request
import uuid

CHECK_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK_DIGITS = "10X98765432"
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


class ApiError(Exception):
    def __init__(self, status, body):
        super().__init__(f"HTTP {status}: {body}")
        self.status, self.body = status, body


class Api:
    def __init__(self, base: str, key: str, language: str):
        self.base, self.key, self.language = base.rstrip("/") + "/api/v1", key, language

    def request(self, method: str, path: str, body=None, *, idempotent=False, raw=False):
        headers = {"Authorization": f"Bearer {self.key}", "Accept-Language": self.language}
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if idempotent:  # a retry of this exact request (same key) would never create twice
            headers["Idempotency-Key"] = str(uuid.uuid4())
        request = urllib.request.Request(self.base + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                content = response.read()
        except urllib.error.HTTPError as error:
            text = error.read().decode("utf-8", "replace")
            try:
                raise ApiError(error.code, json.loads(text)) from None
            except json.JSONDecodeError:
                raise ApiError(error.code, text) from None
        return content if raw else json.loads(content)

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, body=None):
        return self.request("POST", path, {} if body is None else body, idempotent=True)


def resident_id(rng: random.Random) -> str:
    """A well-formed resident ID number (GB 11643 check digit) of an adult born in Beijing."""
    birth = datetime.date(1980, 1, 1) + datetime.timedelta(days=rng.randrange(20 * 365))
    body = f"110105{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return body + CHECK_DIGITS[sum(int(d) * w for d, w in zip(body, CHECK_WEIGHTS, strict=True)) % 11]


def candidates(plan: dict, count: int, rng: random.Random) -> list[dict]:
    surnames, given = "王李张刘陈杨赵黄周吴", "伟芳娜敏静丽强磊军洋勇艳杰娟涛明"
    rows = []
    for _ in range(count):
        theory, practical = rng.randint(60, 98), rng.randint(60, 99)
        rows.append(
            {
                "name": rng.choice(surnames) + rng.choice(given) + rng.choice(given),
                "id_number": resident_id(rng),
                "occupation_code": plan["occupation"]["code"],
                "level": str(plan["level"]),
                "theory_score": str(theory),
                "practical_score": str(practical),
                "result": "合格",
            }
        )
    return rows


def upload(api: Api, batch_id: int, rows: list[dict]) -> dict:
    """Send the rows, wait for the background check, return its report."""
    job = api.post(f"/batches/{batch_id}/rows/", {"rows": rows})
    while True:
        report = api.get(f"/batches/{batch_id}/imports/{job['id']}/")
        if report["finished"]:
            return report
        time.sleep(0.5)


def choose_plan(filing: dict) -> dict:
    """The first unsuspended occupation of the filed scope that has an examiner, at its first filed level."""
    supervisor = next(person["id"] for person in filing["roster"] if person["role"] == "supervisor")
    for row in filing["scope"]:
        code = row["occupation"]["code"]
        examiners = [p["id"] for p in filing["roster"] if p["role"] == "examiner" and p["occupation"] == code]
        if not row["suspended"] and examiners:
            return {
                "scope": row["id"],
                "level": row["levels"][0],
                "assessment_date": datetime.datetime.now(SHANGHAI).date().isoformat(),  # held today
                "venue": filing["venues"][0]["id"],
                "expected_candidates": 5,
                "examiners": examiners,
                "internal_supervisor": supervisor,
            }
    raise SystemExit(f"{filing['number']} has no unsuspended occupation with a filed examiner.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000", help="the server (default %(default)s)")
    parser.add_argument("--key", default=os.environ.get("FILING_API_KEY", ""), help="API key (or FILING_API_KEY)")
    parser.add_argument("--lang", default="en", help="language of the messages: en or zh-hans (default en)")
    parser.add_argument("--wait", type=int, default=1800, help="seconds to wait for the approval (default 1800)")
    parser.add_argument("--output", default=".", help="folder for the downloaded PDF (default: here)")
    args = parser.parse_args()
    if not args.key:
        parser.error("give an API key with --key or FILING_API_KEY")
    api, rng = Api(args.base, args.key, args.lang), random.Random()

    filings = [f for f in api.get("/filings/")["results"] if f["status"] == "active"]
    if not filings:
        raise SystemExit("The key's organisation has no active filing.")
    filing = filings[0]
    plan = api.post("/plans/", choose_plan(filing))
    print(f"Plan {plan['number']}: {plan['occupation']['name']} level {plan['level']} on {plan['assessment_date']}")
    batch = api.post("/batches/", {"plan": plan["id"]})
    print(f"Batch {batch['number']} opened ({batch['state']})")

    rows = candidates(plan, 5, rng)
    good_id = rows[2]["id_number"]
    rows[2]["id_number"] = good_id[:-1] + ("0" if good_id[-1] != "0" else "1")  # a wrong check digit
    report = upload(api, batch["id"], rows)
    print(f"Upload 1: {report['status']}, {report['problem_count']} problem(s)")
    for problem in report["problems"]:
        print(f"  row {problem['row']} ({problem['name']}), {problem['column']}: {problem['message']}")
    if report["status"] != "failed":
        raise SystemExit("Expected the bad row to be refused.")

    rows[2]["id_number"] = good_id
    report = upload(api, batch["id"], rows)
    print(f"Upload 2: {report['status']}, {report['imported_rows']} rows imported")
    if report["status"] != "done":
        raise SystemExit(f"Import did not succeed: {report}")
    batch = api.post(f"/batches/{batch['id']}/submit/")
    print(f"Batch {batch['number']} {batch['state']}; review due {batch['review_due']}")

    print("Waiting for the bureau to approve it (Tasks → Queue, kind “Certificate batch”) …", flush=True)
    deadline = time.monotonic() + args.wait
    while batch["state"] == "submitted" and time.monotonic() < deadline:
        time.sleep(5)
        batch = api.get(f"/batches/{batch['id']}/")
    if batch["state"] != "registered":
        raise SystemExit(f"Batch {batch['number']} is {batch['state']}: {batch['return_reasons'] or ''}")

    certificates = api.get(f"/certificates/?batch={batch['id']}")["results"]
    print(f"Batch {batch['number']} registered: {len(certificates)} certificate(s)")
    for certificate in certificates:
        print(f"  {certificate['number']}  {certificate['holder_name']}  {certificate['id_masked']}")
    first = certificates[0]
    pdf = api.request("GET", f"/certificates/{first['id']}/pdf/", raw=True)
    path = os.path.join(args.output, f"{first['number']}.pdf")
    with open(path, "wb") as file:
        file.write(pdf)
    print(f"Downloaded {path} ({len(pdf):,} bytes)")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ApiError as error:
        sys.exit(f"The API refused a request: {error}")
