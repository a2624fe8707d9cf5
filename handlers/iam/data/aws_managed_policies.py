#!/usr/bin/env python3
"""Writes aws-managed-policies.tsv.gz: AWS's managed policies (name, path, default version,
dates, default document), which IAM serves under arn:aws:iam::aws:policy/...

The documents are AWS's own. Input, either:
  * the JSON of `aws iam get-account-authorization-details --filter AWSManagedPolicy`
    (the official way to list them, from any real account), or
  * a Python module defining `aws_managed_policies_data` as a JSON object keyed by policy
    name (moto's moto/iam/aws_managed_policies.py holds such a snapshot of AWS's data).

usage: aws_managed_policies.py INPUT [OUTPUT]
"""
import datetime
import gzip
import importlib.util
import json
import sys


def epoch(text):
    return int(datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


def from_authorization_details(data):
    for p in data["Policies"]:
        default = next(v for v in p["PolicyVersionList"] if v["IsDefaultVersion"])
        yield p["PolicyName"], p["Path"], p["DefaultVersionId"], p["CreateDate"], p["UpdateDate"], default["Document"]


def from_module(path):
    spec = importlib.util.spec_from_file_location("snapshot", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, p in json.loads(module.aws_managed_policies_data).items():
        yield name, p["Path"], p["DefaultVersionId"], p["CreateDate"], p["UpdateDate"], p["Document"]


def main():
    source = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) > 2 else __file__.rsplit("/", 1)[0] + "/aws-managed-policies.tsv.gz"
    rows = from_module(source) if source.endswith(".py") else from_authorization_details(json.load(open(source)))
    lines = []
    for name, path, version, created, updated, document in sorted(rows):
        if isinstance(document, str):
            document = json.loads(document)
        text = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
        fields = [name, path, version, str(epoch(created)), str(epoch(updated)), text]
        assert all("\t" not in f and "\n" not in f for f in fields), name
        lines.append("\t".join(fields))
    # mtime=0: the same input gives the same bytes.
    with open(out, "wb") as f:
        f.write(gzip.compress(("\n".join(lines) + "\n").encode(), compresslevel=9, mtime=0))
    print(f"{len(lines)} policies -> {out}")


if __name__ == "__main__":
    main()
