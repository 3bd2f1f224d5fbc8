#!/usr/bin/env bash
# Compiles the toy English->Korean translator (model/model.json; weights
# embedded) into one executable and translates a few sentences with it.
# Usage: run.sh [BUILD_DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$(cd "${1:-$here/../../build}" && pwd)"
work="$build/examples/translator"
mkdir -p "$work"

echo "== $build/bin/tfmc $here/model/model.json -o $work/translator"
"$build/bin/tfmc" "$here/model/model.json" -o "$work/translator"

# English, expected Korean; the last two are held-out sentences (never
# trained on).
examples=(
  "I am a student"                  "나는 학생입니다"
  "She reads a book"                "그녀는 책을 읽습니다"
  "We eat an apple"                 "우리는 사과를 먹습니다"
  "Tom was a soldier"               "톰은 군인이었습니다"
  "The teacher did not read a book" "선생님은 책을 읽지 않았습니다"
)
status=0
for ((i = 0; i < ${#examples[@]}; i += 2)); do
  text="${examples[i]}" want="${examples[i + 1]}"
  echo "== $work/translator --text \"$text\""
  got="$("$work/translator" --text "$text")"
  echo "$got"
  if [[ "$got" != "$want" ]]; then
    echo "unexpected translation: expected \"$want\"" >&2
    status=1
  fi
done
exit $status
