"""Summarize py-spy's collapsed stacks (`--profile-format raw`): where the samples were spent.

    python -m bench.profiles var/bench/profiles/rsvp_post-*.txt [--top 30] [--under meeting_rsvp]

Prints, for the functions with the most samples, their share of all samples: "self" counts samples
where the function itself was running, "total" those where it was anywhere on the stack. `--under`
keeps only the stacks that pass through a function whose name contains the given text.
"""

import argparse
import collections
import re

# py-spy writes a frame as "function (path/to/file.py:line)"; the line number varies within one
# function, so frames are grouped without it.
LINE = re.compile(r":\d+\)$")


def read_stacks(paths):
    stacks = collections.Counter()
    for path in paths:
        with open(path) as file:
            for line in file:
                stack, _, count = line.rstrip("\n").rpartition(" ")
                if stack and count.isdigit():
                    stacks[tuple(LINE.sub(")", frame) for frame in stack.split(";"))] += int(count)
    return stacks


def summarize(stacks, *, under=""):
    if under:
        stacks = {stack: n for stack, n in stacks.items() if any(under in frame for frame in stack)}
    total = sum(stacks.values()) or 1
    own, anywhere = collections.Counter(), collections.Counter()
    for stack, count in stacks.items():
        own[stack[-1]] += count
        for frame in set(stack):
            anywhere[frame] += count
    return total, own, anywhere


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--under", default="", help="only stacks through a function whose name has this")
    args = parser.parse_args()
    total, own, anywhere = summarize(read_stacks(args.paths), under=args.under)
    print(f"{total} samples")
    print("\nself %  function")
    for frame, count in own.most_common(args.top):
        print(f"{100 * count / total:6.1f}  {frame}")
    print("\ntotal % function")
    for frame, count in anywhere.most_common(args.top):
        print(f"{100 * count / total:6.1f}  {frame}")


if __name__ == "__main__":
    main()
