#!/usr/bin/env python3
"""Validates phantom truth files against docs/schemas/truth.schema.json.

    tools/validate-truth.py SCHEMA PATH...

Each PATH is a <stem>.truth.json file or a folder searched (recursively) for
them. Prints one line per problem; exit 0 when all are valid, 1 otherwise.
"""
import json
import pathlib
import sys

import jsonschema


def truth_files(paths):
    for p in map(pathlib.Path, paths):
        if p.is_dir():
            yield from sorted(p.rglob("*.truth.json"))
        else:
            yield p


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    schema = json.loads(pathlib.Path(argv[1]).read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    count = problems = 0
    for path in truth_files(argv[2:]):
        count += 1
        try:
            document = json.loads(path.read_text())
        except (OSError, ValueError) as e:
            print(f"validate-truth: {path}: {e}")
            problems += 1
            continue
        for error in validator.iter_errors(document):
            where = "/".join(str(p) for p in error.absolute_path) or "(top)"
            print(f"validate-truth: {path}: {where}: {error.message[:200]}")
            problems += 1
    if count == 0:
        print("validate-truth: no truth files found", file=sys.stderr)
        return 1
    print(f"validate-truth: {count} files, {problems} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
