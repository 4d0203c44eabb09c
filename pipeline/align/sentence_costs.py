"""Model-free evidence that two sentences (or runs of sentences) translate each other.

Gale & Church compare lengths only. On plain prose (a novel, one sentence
per block) that is all the paragraph aligner has left once the markdown
anchors are gone, and it gets lost wherever a translator merged, split or
dropped sentences. Here every sentence gets *anchors* that survive
translation between English and French, in the form the shared DP engine
(``dp.Aligner``) already scores: a bead is rewarded by the weighted Dice
overlap of the anchors of its two sides.

- ``N:`` numbers (``1,5`` = ``1.5``), and number words through the lexicon
  (``three`` / ``trois``);
- ``C:`` proper nouns and capitalised names not at the sentence start
  (``Joseph``, ``Sully``), folded (``Cléopâtre`` = ``Cleopatre``);
- ``P:`` cognates and shared stems: the first four letters, accents
  removed (Simard, Foster & Isabelle 1992: ``portrait``, ``candélabre`` /
  ``candelabrum``, ``tapisserie`` / ``tapestry``);
- ``L:`` a small bilingual lexicon of EN/FR function words, discourse
  markers and very common words (``but``/``mais``, ``why``/``pourquoi``,
  ``night``/``nuit``): both sides map a word to one concept id;
- ``Q:`` the punctuation profile: question and exclamation marks, a line
  that opens with dialogue (``“``, ``"``, ``«``, ``—``, ``--``), one that
  ends with a colon (speech follows), parentheses, ellipses.

The weight of each type (``SentenceWeights``) and the DP's settings for
sentences (``SENTENCE_PARAMS``) were tuned on the dev gold only (see
``bench/sentence_align.py --tune``); the held-out books were scored once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..text import fold
from .features import normalize_number

# --------------------------------------------------------------------------- the lexicon
# EN word(s) -> FR word(s) of one concept. Function words, discourse markers, number
# words and a few hundred of the commonest words of narrative prose; inflected forms are
# listed where the stem rule below does not reach them. Written by hand for this module.
_LEXICON_PAIRS = """
but|mais ; and|et ; or|ou ; if|si ; because|parce,car ; then|alors,puis,ensuite ; when|quand,lorsque
why|pourquoi ; how|comment ; where|où ; who|qui ; what|quoi,que ; which|lequel,laquelle
yes|oui ; no|non,aucun,aucune ; not|pas,point,ne ; never|jamais ; always|toujours ; nothing|rien
nobody|personne ; everybody,everyone|tout ; all|tous,toutes,tout ; each,every|chaque,chacun
again|encore,nouveau ; still|encore,toujours ; already|déjà ; yet|pourtant,cependant,encore
now|maintenant ; today|aujourd'hui ; tomorrow|demain ; yesterday|hier ; soon|bientôt ; suddenly|soudain,tout à coup
here|ici,voici ; there|là,voilà ; very|très ; too|trop,aussi ; also|aussi ; only|seul,seulement,que
more|plus ; less|moins ; much,many|beaucoup ; little|peu,petit,petite ; well|bien ; badly|mal
perhaps,maybe|peut-être ; indeed|vraiment,effet ; without|sans ; with|avec ; against|contre
before|avant,devant ; after|après ; during|pendant ; since|depuis ; until,till|jusqu'à,jusque
between|entre ; under|sous ; above|au-dessus ; behind|derrière ; near|près ; far|loin
oh|oh ; ah|ah ; alas|hélas ; well|eh
i|je,moi ; me|moi,me ; my|mon,ma,mes ; you|vous,tu,toi,te ; your|votre,vos,ton,ta,tes
he|il,lui ; she|elle ; his|son,sa,ses ; her|elle,son,sa,ses ; we|nous ; our|notre,nos ; they|ils,elles,eux
one|un,une ; two|deux ; three|trois ; four|quatre ; five|cinq ; six|six ; seven|sept ; eight|huit
nine|neuf ; ten|dix ; eleven|onze ; twelve|douze ; fifteen|quinze ; twenty|vingt ; thirty|trente
forty|quarante ; fifty|cinquante ; hundred|cent,cents ; thousand|mille ; first|premier,première
second|second,seconde,deuxième ; third|troisième ; half|moitié,demi,demie ; last|dernier,dernière
man,men|homme,hommes ; woman,women|femme,femmes ; wife|femme ; husband|mari ; child,children|enfant,enfants
father|père ; mother|mère ; son|fils ; daughter|fille ; girl|fille ; boy|garçon ; brother|frère ; sister|sœur
friend|ami,amie,amis ; old|vieux,vieille,vieil,vieillard ; young|jeune ; people|gens,monde
day,days|jour,jours,journée ; night,nights|nuit,nuits ; morning|matin ; evening|soir ; hour,hours|heure,heures
week|semaine ; month|mois ; year,years|an,ans,année,années ; time|temps,fois ; moment|moment ; minute|minute
sun|soleil ; moon|lune ; sky|ciel ; earth|terre ; sea|mer ; water|eau ; fire|feu ; wind|vent ; snow|neige
rain|pluie ; tree,trees|arbre,arbres ; forest|forêt ; road|route,chemin ; house|maison ; room|chambre,salle
door|porte ; window|fenêtre ; bed|lit ; table|table ; wall|mur ; church|église ; village|village ; town|ville
head|tête ; eye|œil ; eyes|yeux ; face|visage,figure ; hand,hands|main,mains ; heart|cœur ; blood|sang
mouth|bouche ; lips|lèvres ; hair|cheveux ; arm,arms|bras ; foot,feet|pied,pieds ; leg|jambe ; body|corps
voice|voix ; word,words|mot,mots,parole ; life|vie ; death|mort ; dead|mort,morte,morts ; love|amour,aimer
god|dieu ; soul|âme ; king|roi ; queen|reine ; gun|fusil ; bird,birds|oiseau,oiseaux ; dog|chien ; cat|chat
kiss|baiser ; light|lumière ; dark,darkness|sombre,noir,obscurité,ténèbres ; black|noir,noire ; white|blanc,blanche
red|rouge ; blue|bleu ; green|vert ; great|grand,grande ; big|gros,grand ; small|petit,petite ; long|long,longue
good|bon,bonne ; bad|mauvais ; beautiful|beau,belle ; new|nouveau,nouvelle ; same|même ; other|autre
true|vrai ; false|faux ; cold|froid ; hot|chaud ; poor|pauvre ; happy|heureux ; sad|triste ; mad|fou,folle
see,saw,seen|voir,vit,vu,vis,voyait ; say,said|dire,dit,disait ; know,knew|savoir,sais,savait,connaître
think,thought|penser,pensait,croire,crois ; come,came|venir,vint,venu ; go,went|aller,alla,allait
take,took|prendre,prit ; give,gave|donner,donna ; make,made|faire,fit,fait ; want,wanted|vouloir,voulait
ask,asked|demander,demanda ; answer,answered,replied|répondre,répondit ; hear,heard|entendre,entendit
look,looked|regarder,regarda ; speak,spoke|parler,parla ; kill,killed|tuer,tua ; die,died|mourir,mourut
laugh,laughed|rire,rit ; cry,cried|pleurer,crier ; sleep|dormir,sommeil ; eat,ate|manger,mangea
walk,walked|marcher ; open,opened|ouvrir,ouvrit,ouvert ; close,closed|fermer,ferma,fermé ; fall,fell|tomber,tomba
""".strip()


def _stem(word: str) -> str:
    """A crude stem for lexicon look-ups: lowercased (accents kept: ``là`` is not ``la``), plural
    ``s``/``x`` removed on longer words."""
    w = word.lower().replace("’", "'")
    if len(w) > 4 and w[-1] in "sx":
        w = w[:-1]
    return w


def _build_lexicon() -> tuple[dict[str, str], dict[str, str]]:
    en: dict[str, str] = {}
    fr: dict[str, str] = {}
    for k, entry in enumerate(x.strip() for x in _LEXICON_PAIRS.replace("\n", ";").split(";")):
        if not entry:
            continue
        left, right = entry.split("|")
        concept = str(k)
        for w in left.split(","):
            en.setdefault(_stem(w.strip()), concept)
        for w in right.split(","):
            for part in w.strip().split():
                fr.setdefault(_stem(part), concept)
    return en, fr


LEXICON_EN, LEXICON_FR = _build_lexicon()


@dataclass(frozen=True)
class SentenceWeights:
    """Anchor weights by type (before the IDF the DP engine applies). Tuned on dev gold."""

    number: float = 2.0
    name: float = 1.5
    cognate: float = 0.8
    lexicon: float = 0.6
    punct: float = 0.8
    dialogue: float = 1.0


DEFAULT_WEIGHTS = SentenceWeights()

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*|\d+(?:[.,]\d+)?", re.UNICODE)
_DIALOGUE_OPEN = re.compile(r"^\s*(?:[“\"«‘']|—|–|--)")
_NAME_STOP = {"i", "o"}


@lru_cache(maxsize=200_000)
def _word_anchors(word: str, lang: str, at_start: bool, w: SentenceWeights) -> tuple[tuple[str, float], ...]:
    out: list[tuple[str, float]] = []
    if word[0].isdigit():
        return (("N:" + normalize_number(word), w.number),)
    folded = fold(word)
    if word[0].isupper() and not at_start and len(word) > 1 and folded not in _NAME_STOP:
        out.append(("C:" + folded, w.name))
    lexicon = LEXICON_EN if lang == "en" else LEXICON_FR
    lex = lexicon.get(_stem(word))
    if lex is None and ("'" in word or "’" in word):  # l'homme, d'or, qu'il
        lex = lexicon.get(_stem(re.split(r"['’]", word)[-1]))
    if lex is not None:
        out.append(("L:" + lex, w.lexicon))
    letters = re.split(r"['’]", folded)[-1]
    if len(letters) >= 5 and lex is None:
        out.append(("P:" + letters[:4], w.cognate))
    return tuple(out)


def sentence_anchors(text: str, lang: str | None, weights: SentenceWeights = DEFAULT_WEIGHTS) -> dict[str, float]:
    """The anchors of one sentence (type-weighted; the DP engine adds the IDF)."""
    lang = "fr" if lang == "fr" else "en"
    feats: dict[str, float] = {}
    first = True
    for m in _WORD.finditer(text):
        for f, wt in _word_anchors(m.group(0), lang, first, weights):
            feats[f] = max(feats.get(f, 0.0), wt)
        first = False
    _punct_anchors(text, feats, weights)
    return feats


def _punct_anchors(text: str, feats: dict[str, float], w: SentenceWeights) -> None:
    if "?" in text:
        feats["Q:?"] = w.punct
    if "!" in text:
        feats["Q:!"] = w.punct
    if "(" in text:
        feats["Q:("] = w.punct
    if "…" in text or "..." in text:
        feats["Q:…"] = w.punct / 2
    stripped = text.rstrip()
    if stripped.endswith(":"):
        feats["Q::"] = w.punct
    if _DIALOGUE_OPEN.match(text):
        feats["Q:dialogue"] = w.dialogue
