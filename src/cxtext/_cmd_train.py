"""``cxtext train``: fit the linear sentiment model on the analyst's own labelled texts.

The command reads the file with the same readers as ``analyze``, featurises every text once with the
analyser that will later use the model (same lexicons, same industry packs), prints cross-validated
accuracy and macro-F1 next to the lexicon rules on the same rows, then fits on every row and saves the
portable, version-stamped model that ``--model PATH`` loads in every command.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

__all__ = ["register"]

_CS = (0.1, 0.3, 1.0, 3.0, 10.0)


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "train", help="train the sentiment model on your own labelled texts",
        description="Fit the linear sentiment model (scikit-learn logistic regression) on LABELLED; print "
                    "cross-validated accuracy and macro-F1; save the model for --model. Labels: 1/0, pos/neg, "
                    "正面/负面, 好评/差评 (neutral and blank labels are skipped), or 1-5 ratings with --stars.")
    p.add_argument("input", metavar="LABELLED", help="CSV, TSV, XLSX, JSONL, JSON or Parquet with a text and a label column")
    p.add_argument("--text", metavar="COL", help="column holding the text (default: the obvious one)")
    p.add_argument("--label", metavar="COL", required=True, help="column holding the label")
    p.add_argument("--stars", action="store_true", help="the label is a 1-5 rating: 4-5 positive, 1-2 negative, 3 skipped")
    p.add_argument("-o", "--output", required=True, metavar="MODEL", help="model file to write (e.g. model.json.gz)")
    p.add_argument("-C", type=float, metavar="C", help="inverse regularisation strength (default: the best of "
                   + ", ".join(map(str, _CS)) + " by cross-validation)")
    p.add_argument("--folds", type=int, default=5, help="cross-validation folds (default 5)")
    p.add_argument("--min-df", type=int, default=2, help="keep word features seen in at least this many texts (default 2)")
    p.add_argument("--encoding", help="input encoding (default: detected)")
    p.add_argument("--sheet", help="XLSX sheet name or 1-based number")
    p.add_argument("--header-row", type=int, default=1, metavar="N", help="XLSX row holding the column names")
    p.add_argument("--lexicons", metavar="DIR", action="append", help="lexicon folder the model will be used with (repeatable)")
    p.add_argument("--industry", action="append", help="industry pack the model will be used with (repeatable)")
    p.add_argument("--quiet", "-q", action="store_true", help="print only errors")
    p.set_defaults(func=_cmd_train)


def _cmd_train(args: argparse.Namespace, err: TextIO) -> int:
    from ._analyzer import Analyzer
    from ._cli import EXIT_OK, EXIT_USAGE
    from ._train import cross_validate, featurise, fit_linear, read_labelled, save_model, shipped_no_opinion

    if args.folds < 2:
        err.write(f"cxtext: error: --folds must be 2 or more, got {args.folds}\n")
        return EXIT_USAGE
    if args.C is not None and not args.C > 0:
        err.write(f"cxtext: error: -C must be a positive number, got {args.C}\n")
        return EXIT_USAGE
    data = read_labelled(args.input, args.text, args.label, stars=args.stars, encoding=args.encoding,
                         sheet=args.sheet, header_row=args.header_row)
    say = (lambda s: None) if args.quiet else (lambda s: err.write(f"cxtext: {s}\n"))
    n_pos = sum(data.labels)
    say(f"{args.input}: {len(data.texts):,} labelled texts ({n_pos:,} positive, {len(data.texts) - n_pos:,} negative) "
        f"from column {data.text_column!r}; skipped {data.skipped_neutral:,} neutral and {data.skipped_empty:,} empty")
    analyzer = Analyzer(lexicons=args.lexicons, industry=args.industry, sentiment="rules")
    rows = featurise(analyzer, data.texts)
    # Labelled review files rarely hold texts that state no opinion; the shipped detector was
    # trained against reviews of many domains and keeps questions and order numbers neutral.
    shipped = shipped_no_opinion()
    cv = cross_validate(rows, data.labels, folds=args.folds, Cs=(args.C,) if args.C else _CS, min_df=args.min_df,
                        neutral=shipped)
    if len(cv.by_C) > 1:
        say("macro-F1 by C: " + ", ".join(f"{c:g} {f:.3f}" for c, f in cv.by_C.items())
            + f"; chosen C={cv.C:g} (chosen on the same folds, so slightly optimistic)")
    say(f"{cv.folds}-fold cross-validation: accuracy {cv.accuracy:.3f} ± {cv.accuracy_sd:.3f}, macro-F1 {cv.macro_f1:.3f} "
        f"(lexicon rules on the same texts: accuracy {cv.rules_accuracy:.3f}, macro-F1 {cv.rules_macro_f1:.3f}; "
        f"a neutral answer counts as wrong)")
    model = fit_linear(analyzer, data.texts, data.labels, C=cv.C, min_df=args.min_df,
                       trained_on=[f"{Path(args.input).name} ({len(data.texts)})"])
    if shipped is not None:
        model["neutral"] = shipped
    model["cross_validation"] = cv.to_dict()
    model["lexicons"] = {"folders": [str(x) for x in args.lexicons or ()], "industry": list(args.industry or ())}
    save_model(model, args.output)
    say(f"model with {len(model['weights']):,} weights -> {args.output} (use it with --model {args.output})")
    return EXIT_OK
