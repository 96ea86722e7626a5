#!/usr/bin/env python3
"""write-section.py DOC SECTION: puts the Markdown in file SECTION into DOC in place of the
section with the same "## " heading (up to the next "## " heading), or appends it. The
console benchmarks write their own sections of docs/benchmarks.md this way."""
import re
import sys

doc_path, section_path = sys.argv[1], sys.argv[2]
doc = open(doc_path).read()
section = open(section_path).read()
heading = section.splitlines()[0]
pattern = re.compile('^' + re.escape(heading) + r'\n.*?(?=^## |\Z)', re.S | re.M)
doc = pattern.sub(lambda m: section, doc) if pattern.search(doc) else doc.rstrip('\n') + '\n\n' + section
open(doc_path, 'w').write(doc)
