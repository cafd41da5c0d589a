"""The words Kindle firmware writes in ``My Clippings.txt``, per UI language and generation, as data.

Adding a language (or a firmware wording) is adding a :class:`ClippingLocale` to :data:`LOCALES`;
the metadata grammar (:mod:`excerpta.readers.kindle.metadata`) compiles its regular expressions
from this table and never names a language itself. Sources: the real files in
``shared/corpus/kindle_clippings`` and ``shared/reference/local-formats.md`` §1.4.

A record's locale is detected per record (devices switch language between records) from the
kind phrase its metadata line contains: each phrase belongs to exactly one locale, and the
month names of that locale then read its date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ClippingKind(StrEnum):
    """What a clippings record is."""

    HIGHLIGHT = "highlight"
    NOTE = "note"
    BOOKMARK = "bookmark"


@dataclass(frozen=True)
class ClippingLocale:
    """One UI language: its kind phrases (every generation) and its month names (1-12).

    ``phrases`` maps a phrase as the firmware writes it (matched case-insensitively, longest
    first) to the kind of record it announces. ``months`` lists each month's spellings in
    lower case (nominative and, where the language inflects it, genitive).
    """

    tag: str
    phrases: dict[str, ClippingKind]
    months: tuple[tuple[str, ...], ...] = ()
    clipping_limit_markers: tuple[str, ...] = field(default=())


H, N, B = ClippingKind.HIGHLIGHT, ClippingKind.NOTE, ClippingKind.BOOKMARK

_EN_MONTHS = (("january",), ("february",), ("march",), ("april",), ("may",), ("june",), ("july",),
              ("august",), ("september",), ("october",), ("november",), ("december",))

LOCALES: tuple[ClippingLocale, ...] = (
    ClippingLocale(
        "en",
        # 2014+ "Your Highlight", 2009-2013 "Highlight Loc.", KOReader's lower-case "Your highlight",
        # web articles "Clip This Article" (a highlight of the whole clip).
        {"your highlight": H, "your note": N, "your bookmark": B, "highlight": H, "note": N,
         "bookmark": B, "clip this article": H},
        _EN_MONTHS,
        ("<You have reached the clipping limit for this item>",),
    ),
    ClippingLocale(
        "de",
        {"ihre markierung": H, "ihre notiz": N, "ihr lesezeichen": B,
         "deine markierung": H, "deine notiz": N, "dein lesezeichen": B},
        (("januar", "jänner"), ("februar",), ("märz",), ("april",), ("mai",), ("juni",), ("juli",),
         ("august",), ("september",), ("oktober",), ("november",), ("dezember",)),
    ),
    ClippingLocale(
        "es",
        # "La subrayado" (sic) is what 2022-2024 firmware writes.
        {"la subrayado": H, "tu subrayado": H, "mi subrayado": H, "la nota": N, "tu nota": N,
         "mi nota": N, "el marcador": B, "tu marcador": B, "mi marcador": B},
        (("enero",), ("febrero",), ("marzo",), ("abril",), ("mayo",), ("junio",), ("julio",),
         ("agosto",), ("septiembre", "setiembre"), ("octubre",), ("noviembre",), ("diciembre",)),
    ),
    ClippingLocale(
        "fr",
        {"votre surlignement": H, "votre note": N, "votre signet": B},
        (("janvier",), ("février",), ("mars",), ("avril",), ("mai",), ("juin",), ("juillet",),
         ("août",), ("septembre",), ("octobre",), ("novembre",), ("décembre",)),
    ),
    ClippingLocale(
        "it",
        {"la tua evidenziazione": H, "la tua nota": N, "il tuo segnalibro": B,
         "la mia evidenziazione": H, "le mie note": N, "la mia nota": N, "il mio segnalibro": B},
        (("gennaio",), ("febbraio",), ("marzo",), ("aprile",), ("maggio",), ("giugno",), ("luglio",),
         ("agosto",), ("settembre",), ("ottobre",), ("novembre",), ("dicembre",)),
    ),
    ClippingLocale(
        "pt-BR",
        {"seu destaque": H, "sua nota": N, "seu marcador de página": B, "seu marcador": B},
        (("janeiro",), ("fevereiro",), ("março",), ("abril",), ("maio",), ("junho",), ("julho",),
         ("agosto",), ("setembro",), ("outubro",), ("novembro",), ("dezembro",)),
    ),
    ClippingLocale(
        "nl",
        {"je highlight": H, "je notitie": N, "je bladwijzer": B},
        (("januari",), ("februari",), ("maart",), ("april",), ("mei",), ("juni",), ("juli",),
         ("augustus",), ("september",), ("oktober",), ("november",), ("december",)),
    ),
    ClippingLocale(
        "ru",
        {"ваш выделенный отрывок": H, "ваша заметка": N, "ваша закладка": B},
        (("январь", "января"), ("февраль", "февраля"), ("март", "марта"), ("апрель", "апреля"),
         ("май", "мая"), ("июнь", "июня"), ("июль", "июля"), ("август", "августа"),
         ("сентябрь", "сентября"), ("октябрь", "октября"), ("ноябрь", "ноября"),
         ("декабрь", "декабря")),
    ),
    # Japanese and Chinese put the kind at the end ("…のハイライト", "…的标注"); 2013 firmware put
    # it first ("ハイライト ページ222", "我的标注"). Their dates are numeric (2024年8月22日).
    ClippingLocale("ja", {"ハイライト": H, "メモ": N, "ブックマーク": B}),
    ClippingLocale(
        "zh-CN",
        {"标注": H, "笔记": N, "书签": B},
        (),
        ("您已达到本内容的剪贴上限",),
    ),
)

# Month names of languages whose Kindle wording no real file has shown us yet (Polish, Czech,
# Swedish, Danish, Norwegian, Finnish, Turkish): records in them are read by their shape (see
# ``metadata.parse_metadata_generally``), and these names still date them. Nominative and
# genitive (or partitive) forms, lower case.
DATE_ONLY_MONTHS: dict[str, tuple[tuple[str, ...], ...]] = {
    "pl": (("styczeń", "stycznia"), ("luty", "lutego"), ("marzec", "marca"), ("kwiecień", "kwietnia"),
           ("maj", "maja"), ("czerwiec", "czerwca"), ("lipiec", "lipca"), ("sierpień", "sierpnia"),
           ("wrzesień", "września"), ("październik", "października"), ("listopad", "listopada"),
           ("grudzień", "grudnia")),
    "cs": (("leden", "ledna"), ("únor", "února"), ("březen", "března"), ("duben", "dubna"),
           ("květen", "května"), ("červen", "června"), ("červenec", "července"), ("srpen", "srpna"),
           ("září",), ("říjen", "října"), ("listopad", "listopadu"), ("prosinec", "prosince")),
    "sv": (("januari",), ("februari",), ("mars",), ("april",), ("maj",), ("juni",), ("juli",),
           ("augusti",), ("september",), ("oktober",), ("november",), ("december",)),
    "da-nb": (("januar",), ("februar",), ("marts", "mars"), ("april",), ("maj", "mai"), ("juni",),
              ("juli",), ("august",), ("september",), ("oktober",), ("november",), ("december", "desember")),
    "fi": (("tammikuu", "tammikuuta"), ("helmikuu", "helmikuuta"), ("maaliskuu", "maaliskuuta"),
           ("huhtikuu", "huhtikuuta"), ("toukokuu", "toukokuuta"), ("kesäkuu", "kesäkuuta"),
           ("heinäkuu", "heinäkuuta"), ("elokuu", "elokuuta"), ("syyskuu", "syyskuuta"),
           ("lokakuu", "lokakuuta"), ("marraskuu", "marraskuuta"), ("joulukuu", "joulukuuta")),
    "tr": (("ocak",), ("şubat",), ("mart",), ("nisan",), ("mayıs",), ("haziran",), ("temmuz",),
           ("ağustos",), ("eylül",), ("ekim",), ("kasım",), ("aralık",)),
}

# Whole-line patterns of the current wordings, tried before the general grammar (which gives the
# same result, only slower). Each entry: locale, the characters its lines have right after the
# leading dash and space (to pick candidates cheaply), and the pattern. Groups: kind (a phrase
# above), page, start, end, day, month (a month name or number), year, hour, minute, second, and
# half (AM/PM/上午/下午) where the clock has 12 hours.
_TIME = r"(?P<hour>\d{1,2}):(?P<minute>\d\d):(?P<second>\d\d)"
_RANGE = r"(?P<start>\d+)(?:-(?P<end>\d+))?"
_EN_HEAD = (r"- (?P<kind>Your (?:Highlight|Note|Bookmark)) (?:on [Pp]age (?P<page>\d+) \| [Ll]ocation "
            r"|on [Ll]ocation |at location )" + _RANGE + r" \| Added on [A-Z][a-z]+, ")
FAST_LINE_PATTERNS: tuple[tuple[str, str, str], ...] = (
    ("en", "Y", _EN_HEAD + r"(?P<month>[A-Z][a-z]+) (?P<day>\d{1,2}), (?P<year>\d{4}) " + _TIME
     + r" (?P<half>[AP]M)$"),
    ("en", "Y", _EN_HEAD + r"(?P<day>\d{1,2}) (?P<month>[A-Z][a-z]+) (?P<year>\d{4}) " + _TIME + "$"),
    # 2009-2013 English: "Loc.", abbreviated range ends, no seconds.
    ("en", "HNB", r"- (?P<kind>Highlight|Note|Bookmark)(?: on Page (?P<page>\d+) \|)? Loc\. " + _RANGE
     + r" +\| Added on [A-Z][a-z]+, (?P<month>[A-Z][a-z]+) (?P<day>\d{1,2}), (?P<year>\d{4}), "
     r"(?P<hour>\d{1,2}):(?P<minute>\d\d)(?::(?P<second>\d\d))? (?P<half>[AP]M)$"),
    # German 2013-2024: "Ihre"/"Deine", with or without "bei", "um … Uhr".
    ("de", "DI", r"- (?P<kind>(?:Deine|Ihre) (?:Markierung|Notiz)|(?:Dein|Ihr) Lesezeichen) "
     r"(?:auf Seite (?P<page>\d+) \| )?(?:bei )?Position " + _RANGE + r" \| Hinzugefügt am \w+, "
     r"(?P<day>\d{1,2})\. (?P<month>\w+) (?P<year>\d{4}) (?:um )?" + _TIME + "(?: Uhr)?$"),
    ("fr", "V", r"- (?P<kind>Votre (?:surlignement|note|signet)) (?:sur la page (?P<page>\d+) \| )?"
     r"(?:à l'emplacement|emplacement) " + _RANGE + r" \| Ajouté le \w+ (?P<day>\d{1,2}) (?P<month>\w+) "
     r"(?P<year>\d{4}) " + _TIME + "$"),
    ("es", "LTE", r"- (?P<kind>(?:La|Tu) (?:subrayado|nota)|(?:El|Tu) marcador) (?:en la página "
     r"(?P<page>\d+) \| )?posición " + _RANGE + r" \| Añadido el \w+, (?P<day>\d{1,2}) de (?P<month>\w+) "
     r"de (?P<year>\d{4}) " + _TIME + "$"),
    ("it", "LI", r"- (?P<kind>La tua (?:evidenziazione|nota)|Il tuo segnalibro) (?:a pagina (?P<page>\d+) "
     r"\| )?posizione " + _RANGE + r" \| Aggiunto in data \w+ (?P<day>\d{1,2}) (?P<month>\w+) "
     r"(?P<year>\d{4}) " + _TIME + "$"),
    ("pt-BR", "S", r"- (?P<kind>Seu destaque|Sua nota|Seu marcador) (?:na página (?P<page>\d+) \| |ou )"
     r"posição " + _RANGE + r" \| Adicionado: [\w-]+, (?P<day>\d{1,2}) de (?P<month>\w+) de "
     r"(?P<year>\d{4}) " + _TIME + "$"),
    ("nl", "J", r"- (?P<kind>Je (?:highlight|notitie|bladwijzer)) (?:op pagina (?P<page>\d+) \| )?locatie "
     r"(?P<start>\d+)(?: t/m (?P<end>\d+))? \| Toegevoegd op \w+ (?P<day>\d{1,2}) (?P<month>\w+) "
     r"(?P<year>\d{4}) " + _TIME + "$"),
    ("ru", "В", r"– (?P<kind>Ваш выделенный отрывок|Ваша заметка|Ваша закладка) (?:на странице "
     r"(?P<page>\d+) \| Место |в месте )(?P<start>\d+)(?:–(?P<end>\d+))? \| Добавлено: \w+, "
     r"(?P<day>\d{1,2}) (?P<month>\w+) (?P<year>\d{4}) г\. в " + _TIME + "$"),
    ("ja", "0123456789位", r"- (?:(?P<page>\d+)ページ\|)?位置No\. " + _RANGE
     + r"の(?P<kind>ハイライト|メモ|ブックマーク) \|作成日: (?P<year>\d{4})年(?P<month>\d{1,2})月"
     r"(?P<day>\d{1,2})日\w+ " + _TIME + "$"),
    ("zh-CN", "您", r"- 您在(?:第 (?P<page>\d+) 页（)?位置 #" + _RANGE + r"）? ?的(?P<kind>标注|笔记|书签) "
     r"\| 添加于 (?P<year>\d{4})年(?P<month>\d{1,2})月(?P<day>\d{1,2})日星期\w (?P<half>上午|下午)?"
     + _TIME + "$"),
)

# Words before a page number ("on page 12", "auf Seite 12", "第 22 页", "ページ222") and after
# one ("112ページ"); roman numerals are pages of front matter.
PAGE_WORDS: tuple[str, ...] = (
    "page", "seite", "página", "pagina", "страниц[еау]", "ページ", "第",
)
PAGE_SUFFIX_WORDS: tuple[str, ...] = ("ページ",)

# Words before a location ("Location 12", "Loc. 12", "位置No. 12", "位置 #12").
LOCATION_WORDS: tuple[str, ...] = (
    "location", r"loc\.", "position", r"pos\.", "posición", "emplacement", "posizione", "posição",
    "locatie", "место", "месте", r"位置\s*no\.", r"位置\s*#", "位置",
)

# Separators between the two ends of a range: ASCII hyphen, en dash (ru), "t/m" (nl).
RANGE_SEPARATORS: tuple[str, ...] = ("-", "–", "t/m")
# Digits in a position or a date number at most: a long book has some 20,000 locations; more
# is a broken line (and int() refuses 4,300 digits).
MAX_POSITION_DIGITS = 9

# 12-hour clock markers: those written after the time and those written before it (zh).
AFTER_TIME_MARKERS: dict[str, int] = {"am": 0, "pm": 12, "a.m.": 0, "p.m.": 12}
BEFORE_TIME_MARKERS: dict[str, int] = {"上午": 0, "下午": 12, "午前": 0, "午後": 12, "오전": 0, "오후": 12}

# What old English firmware wrote after the time instead of an offset.
UTC_NAMES: tuple[str, ...] = ("greenwich mean time", "gmt", "utc")


def month_table() -> dict[str, dict[str, int]]:
    """Month number by lower-case name, per locale tag (locales with numeric dates are absent),
    the :data:`DATE_ONLY_MONTHS` languages included."""
    tables = {locale.tag: locale.months for locale in LOCALES if locale.months} | DATE_ONLY_MONTHS
    return {
        tag: {name: number for number, names in enumerate(months, start=1) for name in names}
        for tag, months in tables.items()
    }


def clipping_limit_markers() -> tuple[str, ...]:
    """Every locale's "clipping limit reached" text, which firmware puts in place of a passage."""
    return tuple(marker for locale in LOCALES for marker in locale.clipping_limit_markers)
