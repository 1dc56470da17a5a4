"""``cxtext lexicon check|suggest|accept|show``: lexicons as something an analyst maintains.

- ``check [DIR]``: every problem in a lexicon folder as ``file:line: severity: message``; exit 1 on errors.
- ``suggest CORPUS -o candidates.csv``: terms the lexicons miss, mined from the analyst's own texts.
- ``accept candidates.csv --into DIR``: the rows marked in the ``accept`` column become lexicon lines.
- ``show TERM``: where a term is defined, and how a sample sentence is analysed with it.
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:
    from ._cli import _add_input_options

    p = subparsers.add_parser("lexicon", help="check, extend and inspect lexicons",
                              description="Check, extend and inspect lexicon folders.")
    sub = p.add_subparsers(dest="lexicon_command", metavar="ACTION")

    c = sub.add_parser("check", help="report every problem in a lexicon folder (file:line)",
                       description="Check a lexicon folder: format, unknown ids, duplicates and terms under two ids, "
                                   "conflicting sentiment weights, terms jieba splits. Without DIR: the shipped "
                                   "lexicons and every industry pack. Exit 0 no errors, 1 errors found, 2 usage error.")
    c.add_argument("dir", nargs="?", metavar="DIR", help="lexicon folder (a partial folder is checked as laid over the shipped one)")
    c.add_argument("--industry", action="append", help="check DIR as laid over this industry pack too (repeatable)")
    c.add_argument("--errors-only", action="store_true", help="print errors only, not warnings")
    c.add_argument("--no-segmentation", action="store_true", help="skip the (slower) jieba checks")
    c.add_argument("--json", action="store_true", help="print the findings as JSON")
    c.set_defaults(func=_cmd_check)

    s = sub.add_parser("suggest", help="mine your corpus for terms the lexicons miss",
                       description="Find candidate terms in CORPUS that the lexicons miss (frequency, cohesion, "
                                   "boundary entropy, domain specificity); propose a lexicon file, id and polarity "
                                   "for each from co-occurrence with known terms; write them ranked, with example "
                                   "sentences and an empty 'accept' column to mark.")
    _add_input_options(s)
    s.add_argument("-o", "--output", required=True, help="candidates file to write (.csv or .xlsx)")
    s.add_argument("--top", type=int, default=300, help="how many candidates to write (default 300)")
    s.add_argument("--min-count", type=int, default=0,
                   help="minimum occurrences of a candidate (default: scaled to the corpus, at least 3)")
    s.set_defaults(func=_cmd_suggest)

    a = sub.add_parser("accept", help="add the candidates you marked to a lexicon folder",
                       description="Add every row of CANDIDATES whose 'accept' cell is marked (y, yes, x, 1, true, "
                                   "✓, 是) as a line of the lexicon file it names, in DIR (created if needed). "
                                   "Rows are checked first; nothing is written when one is wrong.")
    a.add_argument("candidates", metavar="CANDIDATES", help="the file written by 'cxtext lexicon suggest' (.csv or .xlsx)")
    a.add_argument("--into", required=True, metavar="DIR", help="lexicon folder to add the lines to")
    a.add_argument("--all", action="store_true", help="accept every row, marked or not")
    a.set_defaults(func=_cmd_accept)

    w = sub.add_parser("show", help="where a term is defined and how a sentence with it is analysed",
                       description="Show every lexicon line that defines TERM (shipped, industry packs, your "
                                   "folders), how jieba segments it, and the analysis of a sample sentence.")
    w.add_argument("term", metavar="TERM")
    w.add_argument("--sentence", help="sentence to analyse (default: a short one built around TERM)")
    w.add_argument("--lexicons", metavar="DIR", action="append", help="your lexicon folder(s), as for analyze")
    w.add_argument("--industry", action="append", help="industry pack(s), as for analyze")
    w.set_defaults(func=_cmd_show)
    p.set_defaults(func=lambda args, err: _usage(p, err))


def _usage(parser: argparse.ArgumentParser, err: TextIO) -> int:
    parser.print_help(err)
    return 2


def _cmd_check(args: argparse.Namespace, err: TextIO) -> int:
    import json

    from ._lexcheck import check_folder, check_shipped
    from ._resources import industry_dir

    seg = not args.no_segmentation
    if args.dir is None and not args.industry:
        reports = check_shipped(segmentation=seg)
    elif args.dir is None:
        reports = [check_folder(industry_dir(n), segmentation=seg) for n in args.industry]
    else:
        reports = [check_folder(args.dir, over=[industry_dir(n) for n in args.industry or ()], segmentation=seg)]
    out = sys.stdout
    errors = sum(len(r.errors) for r in reports)
    warnings = sum(len(r.warnings) for r in reports)
    if args.json:
        json.dump({"errors": errors, "warnings": warnings, "reports": [r.to_dict() for r in reports]}, out,
                  ensure_ascii=False, indent=1)
        out.write("\n")
    else:
        for r in reports:
            for f in r.findings:
                if f.severity == "error" or not args.errors_only:
                    out.write(f"{f}\n")
    for r in reports:
        err.write(f"cxtext: {r.folders[0]}: {r.entries:,} entries, {len(r.errors)} errors, {len(r.warnings)} warnings\n")
    return 1 if errors else 0


def _cmd_suggest(args: argparse.Namespace, err: TextIO) -> int:
    from ._cli import _analyzer, _options
    from ._discover import suggest, write_candidates

    if args.top < 1:
        err.write(f"cxtext: error: --top must be 1 or more, got {args.top}\n")
        return 2
    args.sentiment, args.model = "rules", None  # mining reads the rules' opinions; no model is needed
    analyzer = _analyzer(args)
    result = suggest(analyzer, args.input, _options(args), top=args.top, min_count=args.min_count or None)
    write_candidates(result.candidates, args.output)
    if not args.quiet:
        if result.text_column_guessed:
            err.write(f"cxtext: text column: {result.text_column!r} (chosen automatically; use --text to change)\n")
        err.write(f"cxtext: {result.documents:,} texts, {result.characters:,} characters; {result.considered:,} strings "
                  f"seen at least {result.min_count} times; {len(result.candidates)} candidates -> {args.output}\n")
        err.write("cxtext: mark the rows to keep in the 'accept' column (edit file, id, polarity as needed), then run "
                  f"'cxtext lexicon accept {args.output} --into DIR'\n")
    return 0


def _cmd_accept(args: argparse.Namespace, err: TextIO) -> int:
    from ._discover import accept

    added = accept(args.candidates, args.into, take_all=args.all)
    for line in added.lines:
        sys.stdout.write(f"{line}\n")
    for note in added.skipped:
        err.write(f"cxtext: {note}\n")
    err.write(f"cxtext: {len(added.lines)} lines added to {args.into} ({added.marked} rows marked); "
              f"use it with --lexicons {args.into}\n")
    return 0


def _cmd_show(args: argparse.Namespace, err: TextIO) -> int:
    from ._show import show

    text, found = show(args.term, sentence=args.sentence, lexicons=args.lexicons, industry=args.industry)
    sys.stdout.write(text)
    return 0 if found else 1
