#!/usr/bin/env python3
"""update-readme-table.py README TABLE - replaces the text between the samples-report markers
in README with TABLE and a line counting the samples that pass."""
import sys

readme, table = sys.argv[1], open(sys.argv[2]).read().strip()
rows = [l for l in table.splitlines() if l.startswith('| ') and not l.startswith('| sample')]
passing = sum(1 for l in rows if l.split('|')[4].strip() == 'yes')
begin, end = '<!-- samples-report begin -->', '<!-- samples-report end -->'
text = open(readme).read()
if begin not in text:
    text += '\n' + begin + '\n' + end + '\n'
head, rest = text.split(begin, 1)
_, tail = rest.split(end, 1)
block = f'{begin}\n{passing} of {len(rows)} runtime-only samples pass on the cpu backend.\n\n{table}\n{end}'
open(readme, 'w').write(head + block + tail)
