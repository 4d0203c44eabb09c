"""The translation memory's editors' side: origins and their rank, both directions, fuzzy matches, where
the file lives, and two processes writing it at once."""
from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
from support.paths import ROOT

from pipeline.mt.memory import MemoryEntry, TranslationMemory, memory_path, project_memory_path, user_memory_path
from pipeline.mt.segments import link, markup_segment


def entry(src: str, tgt: str, origin: str = "human", langs=("fr", "en"), **context) -> MemoryEntry:
    s, t = markup_segment(src), markup_segment(tgt)
    return MemoryEntry(langs[0], langs[1], s, link(s, t), origin, context=context)


def test_exact_lookup_by_words_and_tag_places(tmp_path):
    tm = TranslationMemory(tmp_path / "m.sqlite")
    assert tm.add([entry("Un **gras** mot.", "A **bold** word.")]) == 1
    hits = tm.exact("fr", "en", [markup_segment("Un  **gras**\nmot.").key, markup_segment("Un gras **mot**.").key])
    assert list(hits) == [markup_segment("Un **gras** mot.").key]
    assert hits[markup_segment("Un **gras** mot.").key].target.markup == "A **bold** word."
    assert tm.exact("fr", "de", [markup_segment("Un **gras** mot.").key]) == {}


def test_human_outranks_imported_and_the_latest_human_wins(tmp_path):
    tm = TranslationMemory(tmp_path / "m.sqlite")
    key = markup_segment("Bonjour.").key
    tm.add([entry("Bonjour.", "Hello.", "imported")])
    tm.add([entry("Bonjour.", "Good morning.", "human")])
    assert tm.add([entry("Bonjour.", "Hi.", "imported")]) == 0  # an import never replaces an editor's work
    assert tm.exact("fr", "en", [key])[key].target.markup == "Good morning."
    tm.add([entry("Bonjour.", "Good day.", "human")])
    found = tm.exact("fr", "en", [key])[key]
    assert (found.target.markup, found.origin) == ("Good day.", "human")
    with pytest.raises(ValueError):
        tm.add([entry("Bonjour.", "Hi.", "machine")])


def test_an_entry_answers_the_other_direction_too(tmp_path):
    tm = TranslationMemory(tmp_path / "m.sqlite")
    tm.add([entry("A **bold** word.", "Un mot en **gras**.", langs=("en", "fr"))])
    key = markup_segment("Un mot en **gras**.").key
    hit = tm.exact("fr", "en", [key])[key]
    assert (hit.src_lang, hit.tgt_lang, hit.target.markup) == ("fr", "en", "A **bold** word.")
    assert [t.ref for t in hit.target.tags] == [t.ref for t in hit.source.tags]  # still linked


def test_remove_only_what_this_pair_put_there(tmp_path):
    tm = TranslationMemory(tmp_path / "m.sqlite")
    tm.add([entry("Bonjour.", "Hello.", article="a.fr.md", pair="p1")])
    source = markup_segment("Bonjour.")
    assert not tm.remove("fr", "en", source, context={"article": "b.fr.md", "pair": "p1"})
    assert tm.remove("fr", "en", source, context={"article": "a.fr.md", "pair": "p1"})
    assert tm.exact("fr", "en", [source.key]) == {}


def test_fuzzy_matches_above_the_threshold_best_first(tmp_path):
    tm = TranslationMemory(tmp_path / "m.sqlite")
    tm.add([
        entry("Le vélo est le moyen de transport le plus efficace en ville.", "Cycling is the most efficient way to get around town."),
        entry("Le vélo est un moyen de transport efficace.", "The bicycle is an efficient means of transport."),
        entry("Rien à voir avec le reste du texte.", "Nothing to do with the rest."),
    ])
    query = markup_segment("Le vélo est le moyen de transport le plus efficace en **ville**.")
    found = tm.fuzzy("fr", "en", query, threshold=85)
    assert len(found) == 1 and found[0].similarity == 100.0  # same words, a tag added: a suggestion, not a hit
    query = markup_segment("Le vélo est le moyen de transport le plus rapide en ville.")
    found = tm.fuzzy("fr", "en", query, threshold=60)
    assert [m.entry.target.markup for m in found][:1] == ["Cycling is the most efficient way to get around town."]
    assert 85 <= found[0].similarity < 100
    assert all(m.similarity >= 60 for m in found)
    assert tm.fuzzy("fr", "en", markup_segment("Tout autre chose, vraiment."), threshold=85) == []


def test_stats_count_by_origin(tmp_path):
    tm = TranslationMemory(tmp_path / "m.sqlite")
    tm.add([entry("Un.", "One."), entry("Deux.", "Two.", "imported"), entry("Trois.", "Three.", "imported")])
    tm.store(("marian:m", "r", "fr-en:unit", "{}"), [("Quatre.", "{}")])
    tm.store(("marian:m", "r", "fr-en", "{}"), [("Quatre.", "Four."), ("Cinq.", "Five.")])
    stats = tm.stats()
    assert stats["counts"] == {"human": 1, "imported": 2, "machine": 1}
    assert stats["machine_sentences"] == 2
    assert stats["pairs"]["fr-en"] == {"human": 1, "imported": 2, "machine": 1}


def test_where_the_memory_lives(tmp_path, monkeypatch):
    site = tmp_path / "site"
    article = site / "content" / "posts" / "a.fr.md"
    article.parent.mkdir(parents=True)
    article.write_text("x")
    assert memory_path(None, article) == user_memory_path()  # no project memory: the user's
    assert str(user_memory_path()).startswith(str(tmp_path.parent))  # the tests' own cache, never the user's
    (site / ".bitext").mkdir()
    assert project_memory_path(article) == site / ".bitext" / "memory.sqlite"
    assert memory_path(None, article.parent) == site / ".bitext" / "memory.sqlite"
    assert memory_path(tmp_path / "team.sqlite", article) == tmp_path / "team.sqlite"  # translate.cache_path wins


def test_two_processes_writing_one_memory(tmp_path):
    """Two editors' servers (or a run and a server) writing at once: every write lands, the file stays sound."""
    path = tmp_path / "m.sqlite"
    TranslationMemory(path).close()
    writer = (
        "import sys; sys.path.insert(0, {root!r})\n"
        "from pipeline.mt.memory import MemoryEntry, TranslationMemory\n"
        "from pipeline.mt.segments import markup_segment\n"
        "tm = TranslationMemory({path!r})\n"
        "for n in range(150):\n"
        "    s, t = markup_segment(f'Phrase **{{n}}** de {name}.'), markup_segment(f'Sentence **{{n}}** by {name}.')\n"
        "    tm.add([MemoryEntry('fr', 'en', s, t, 'human', context={{'article': {name!r}}})])\n"
        "    tm.store(('m', 'r', 'fr-en', '{{}}'), [(f'{name} {{n}}', 'x')])\n"
        "    assert len(tm.entries()) >= n + 1\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", writer.format(root=str(ROOT), path=str(path), name=name)])
        for name in ("alice", "bob")
    ]
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    tm = TranslationMemory(path)
    assert tm.stats()["counts"]["human"] == 300 and len(tm) == 300
    assert {e.context["article"] for e in tm.entries()} == {"alice", "bob"}
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_fuzzy_matches_read_both_ways_and_an_older_memory_is_migrated(tmp_path):
    path = tmp_path / "m.sqlite"
    tm = TranslationMemory(path)
    tm.add([entry("The bicycle is the fastest way to get around town.", "Le vélo est le moyen le plus rapide en ville.",
                  langs=("en", "fr"))])
    tm.close()
    con = sqlite3.connect(path)  # as a memory written before the target's fuzzy key existed
    con.execute("ALTER TABLE segments DROP COLUMN tgt_plain_key")
    con.commit()
    con.close()
    found = TranslationMemory(path).fuzzy("fr", "en", markup_segment("Le vélo est le moyen le plus rapide en ville !"), 85)
    assert [m.entry.target.markup for m in found] == ["The bicycle is the fastest way to get around town."]


def test_a_run_memory_travels_to_another_process_as_its_path(tmp_path):
    import pickle

    from pipeline.mt.recall import RunMemory

    run_memory = RunMemory(tmp_path / "m.sqlite")
    run_memory.memory.add([entry("Bonjour.", "Hello.")])
    copy = pickle.loads(pickle.dumps(run_memory))  # as an executor sends article contexts to its workers
    assert copy.path == run_memory.path and copy.memory is not run_memory.memory
    assert list(copy.memory.exact("fr", "en", [markup_segment("Bonjour.").key]).values())[0].target.markup == "Hello."
