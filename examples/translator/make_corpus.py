#!/usr/bin/env python3
"""Generates the toy English->Korean parallel corpus of the translator.

    make_corpus.py [OUT_DIR]        (default: the folder of this script)

Deterministic: every sentence comes from templates of subjects, verbs and
objects, in four forms (present, past, negative, past negative). Korean
particles and endings are computed from the Hangul syllables:

    topic   은/는   subject 이/가   object 을/를    (final consonant or not)
    copula  입니다 / 이었습니다 · 였습니다 / 이(가) 아닙니다
    verbs   stem + 습니다 (final consonant), stem+ㅂ 니다 (none; ㄹ drops),
            stem + 지 않습니다, past stem + 습니다

Tokens are whole words on both sides, separated by single spaces
("I am a student" -> "나는 학생입니다").

Writes OUT_DIR/data/{train,heldout}.tsv (english TAB korean; held-out is
about 10% of the sentences, never in train) and the vocabularies
OUT_DIR/model/{src,tgt}_vocab.txt (line i = id i; 0 <pad>, 1 <bos>,
2 <eos>), which cover every word of both splits.
"""

import os
import random
import sys

SEED = 2024
HELDOUT_FRACTION = 0.10
SPECIALS = ["<pad>", "<bos>", "<eos>"]
# Sentences that must be trained on (the examples of run.sh and README.md).
MUST_TRAIN = ["I am a student", "She reads a book", "We eat an apple"]

# --- Hangul ---------------------------------------------------------------

HANGUL_FIRST, HANGUL_LAST = 0xAC00, 0xD7A3
FINAL_NONE, FINAL_RIEUL, FINAL_BIEUP = 0, 8, 17  # ㄹ and ㅂ as final consonants


def final_consonant(word):
    """Index (0-27) of the final consonant (batchim) of the word's last
    syllable; 0 when there is none."""
    code = ord(word[-1])
    if not HANGUL_FIRST <= code <= HANGUL_LAST:
        raise ValueError(f"{word!r} does not end in a Hangul syllable")
    return (code - HANGUL_FIRST) % 28


def has_batchim(word):
    return final_consonant(word) != FINAL_NONE


def with_final(word, final):
    """The word with the final consonant of its last syllable replaced."""
    code = ord(word[-1]) - HANGUL_FIRST
    return word[:-1] + chr(HANGUL_FIRST + code - code % 28 + final)


def topic(noun):       # 은/는
    return noun + ("은" if has_batchim(noun) else "는")


def subject(noun):     # 이/가
    return noun + ("이" if has_batchim(noun) else "가")


def obj(noun):         # 을/를
    return noun + ("을" if has_batchim(noun) else "를")


def formal(stem):
    """Formal polite present: 읽 -> 읽습니다, 마시 -> 마십니다,
    만들 -> 만듭니다 (ㄹ drops before ㅂ)."""
    final = final_consonant(stem)
    if final == FINAL_NONE or final == FINAL_RIEUL:
        return with_final(stem, FINAL_BIEUP) + "니다"
    return stem + "습니다"


def copula(noun, form):
    if form == "present":
        return [noun + "입니다"]
    if form == "past":
        return [noun + ("이었습니다" if has_batchim(noun) else "였습니다")]
    if form == "negative":
        return [subject(noun), "아닙니다"]
    return [subject(noun), "아니었습니다"]


def verb(stem, past_stem, form):
    if form == "present":
        return [formal(stem)]
    if form == "past":
        return [past_stem + "습니다"]
    if form == "negative":
        return [stem + "지", "않습니다"]
    return [stem + "지", "않았습니다"]


# --- English --------------------------------------------------------------

# (English, Korean, person): person 1 = I, 2 = you/we/they, 3 = he/she/it.
SUBJECTS = [
    ("I", "나", 1), ("You", "당신", 2), ("He", "그", 3), ("She", "그녀", 3),
    ("We", "우리", 2), ("They", "그들", 2), ("My friend", "내 친구", 3),
    ("The teacher", "선생님", 3), ("The child", "아이", 3), ("Tom", "톰", 3),
]
PLURAL_SUBJECTS = {"We", "They"}

# Copula nouns: (singular with article, plural, Korean).
NOUNS = [
    ("a student", "students", "학생"), ("a teacher", "teachers", "선생님"),
    ("a doctor", "doctors", "의사"), ("a nurse", "nurses", "간호사"),
    ("a singer", "singers", "가수"), ("a farmer", "farmers", "농부"),
    ("an engineer", "engineers", "엔지니어"), ("an artist", "artists", "예술가"),
    ("a writer", "writers", "작가"), ("a lawyer", "lawyers", "변호사"),
    ("a soldier", "soldiers", "군인"),
    ("a police officer", "police officers", "경찰관"),
    ("a cook", "cooks", "요리사"), ("an actor", "actors", "배우"),
]

# Verbs: (base, third person singular, past, Korean stem, Korean past stem,
#         [(English object, Korean noun), ...]). A Korean noun followed by
#         "에" is a destination (no object particle).
VERBS = [
    ("eat", "eats", "ate", "먹", "먹었",
     [("an apple", "사과"), ("bread", "빵"), ("rice", "밥"),
      ("a sandwich", "샌드위치")]),
    ("drink", "drinks", "drank", "마시", "마셨",
     [("water", "물"), ("milk", "우유"), ("coffee", "커피"), ("tea", "차")]),
    ("read", "reads", "read", "읽", "읽었",
     [("a book", "책"), ("a newspaper", "신문"), ("a letter", "편지")]),
    ("write", "writes", "wrote", "쓰", "썼",
     [("a letter", "편지"), ("a poem", "시"), ("a report", "보고서")]),
    ("watch", "watches", "watched", "보", "봤",
     [("a movie", "영화"), ("television", "텔레비전")]),
    ("buy", "buys", "bought", "사", "샀",
     [("a bag", "가방"), ("shoes", "신발"), ("a car", "자동차"),
      ("flowers", "꽃")]),
    ("like", "likes", "liked", "좋아하", "좋아했",
     [("music", "음악"), ("dogs", "개"), ("cats", "고양이")]),
    ("make", "makes", "made", "만들", "만들었",
     [("a cake", "케이크"), ("dinner", "저녁")]),
    ("learn", "learns", "learned", "배우", "배웠",
     [("Korean", "한국어"), ("English", "영어"), ("math", "수학")]),
    ("teach", "teaches", "taught", "가르치", "가르쳤",
     [("Korean", "한국어"), ("English", "영어"), ("math", "수학")]),
    ("open", "opens", "opened", "열", "열었",
     [("the door", "문"), ("the window", "창문")]),
    ("meet", "meets", "met", "만나", "만났",
     [("a friend", "친구"), ("Tom", "톰")]),
    ("listen to", "listens to", "listened to", "듣", "들었",
     [("music", "음악"), ("the radio", "라디오")]),
    ("find", "finds", "found", "찾", "찾았",
     [("a key", "열쇠"), ("the bag", "가방")]),
    ("go", "goes", "went", "가", "갔",
     [("to school", "학교에"), ("to the library", "도서관에"),
      ("to the park", "공원에"), ("to the market", "시장에"),
      ("home", "집에")]),
]

FORMS = ["present", "past", "negative", "past_negative"]


def be(person, form):
    past = form in ("past", "past_negative")
    word = {1: "was" if past else "am", 2: "were" if past else "are",
            3: "was" if past else "is"}[person]
    return word + (" not" if "negative" in form else "")


def copula_sentences():
    for en_subj, ko_subj, person in SUBJECTS:
        for singular, plural, noun in NOUNS:
            if noun == ko_subj:          # "The teacher is a teacher"
                continue
            complement = plural if en_subj in PLURAL_SUBJECTS else singular
            for form in FORMS:
                en = f"{en_subj} {be(person, form)} {complement}"
                ko = [topic(ko_subj)] + copula(noun, form)
                yield en, " ".join(ko)


def verb_sentences():
    for base, third, past, stem, past_stem, objects in VERBS:
        for en_subj, ko_subj, person in SUBJECTS:
            for en_obj, noun in objects:
                if noun == ko_subj:      # "Tom meets Tom"
                    continue
                ko_obj = noun if noun.endswith("에") else obj(noun)
                for form in FORMS:
                    if form == "present":
                        en_verb = third if person == 3 else base
                    elif form == "past":
                        en_verb = past
                    elif form == "negative":
                        en_verb = ("does not " if person == 3 else
                                   "do not ") + base
                    else:
                        en_verb = "did not " + base
                    en = f"{en_subj} {en_verb} {en_obj}"
                    ko = [topic(ko_subj), ko_obj] + verb(stem, past_stem, form)
                    yield en, " ".join(ko)


def corpus():
    """All (english, korean) pairs; an English sentence with two readings
    ("I read a book": present or past) keeps the first (present)."""
    pairs, seen = [], {}
    for en, ko in list(copula_sentences()) + list(verb_sentences()):
        if en in seen:
            continue
        seen[en] = ko
        pairs.append((en, ko))
    return pairs, seen


def split(pairs):
    rng = random.Random(SEED)
    order = list(range(len(pairs)))
    rng.shuffle(order)
    n_held = round(len(pairs) * HELDOUT_FRACTION)
    held = set(order[:n_held])
    for i, (en, _) in enumerate(pairs):
        if en in MUST_TRAIN:
            held.discard(i)
    # Every word must be trained on: move held-out sentences with a word
    # that train lacks back to train.
    train_words = set()
    for i, (en, ko) in enumerate(pairs):
        if i not in held:
            train_words.update(en.split() + ko.split())
    for i in sorted(held):
        en, ko = pairs[i]
        if not set(en.split() + ko.split()) <= train_words:
            held.discard(i)
            train_words.update(en.split() + ko.split())
    train = [p for i, p in enumerate(pairs) if i not in held]
    heldout = [p for i, p in enumerate(pairs) if i in held]
    return train, heldout


def vocabulary(sentences):
    words = list(SPECIALS)
    known = set(words)
    for s in sentences:
        for w in s.split():
            if w not in known:
                known.add(w)
                words.append(w)
    return words


def write_lines(path, lines):
    with open(path, "w", encoding="utf-8") as f:
        for line in lines:
            f.write(line + "\n")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(
        os.path.abspath(__file__))
    pairs, table = corpus()
    for en in MUST_TRAIN:
        assert en in table, en
    assert table["I am a student"] == "나는 학생입니다"
    assert table["She reads a book"] == "그녀는 책을 읽습니다"
    assert table["We eat an apple"] == "우리는 사과를 먹습니다"
    train, heldout = split(pairs)

    os.makedirs(os.path.join(out, "data"), exist_ok=True)
    os.makedirs(os.path.join(out, "model"), exist_ok=True)
    write_lines(os.path.join(out, "data", "train.tsv"),
                [f"{en}\t{ko}" for en, ko in train])
    write_lines(os.path.join(out, "data", "heldout.tsv"),
                [f"{en}\t{ko}" for en, ko in heldout])
    src = vocabulary(en for en, _ in pairs)
    tgt = vocabulary(ko for _, ko in pairs)
    write_lines(os.path.join(out, "model", "src_vocab.txt"), src)
    write_lines(os.path.join(out, "model", "tgt_vocab.txt"), tgt)
    longest = max(max(len(en.split()), len(ko.split()) + 2)
                  for en, ko in pairs)
    print(f"{len(pairs)} sentences: {len(train)} train, {len(heldout)} "
          f"held-out; vocabularies {len(src)} (English), {len(tgt)} "
          f"(Korean); longest sequence {longest} tokens")


if __name__ == "__main__":
    main()
