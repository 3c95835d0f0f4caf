"""The most frequent words of the Latin-script languages whose passages an English
article quotes, the first witness of ``normalizer.foreign_passages``.

Each set is the language's 100 most frequent words in wordfreq
(``wordfreq.top_n_list(code, 100)``), letters only, less the place names among them
(France, Brasil, Türkiye, İstanbul, Türk) and the English "the" of the Portuguese list.
They are mostly function words: a third to a half of the running text of the language.
"""

from __future__ import annotations

import re

import regex

LANGUAGE_WORDS: dict[str, frozenset[str]] = {
    "de": frozenset(
        """
        die der und in das ich ist nicht zu den von mit es ein auf für im sie eine
        sich auch dem des als er an dass so bei wie aber aus hat sind nach noch wir
        du war nur wenn oder wird was werden einen am man um haben einer zum kann
        über da dann einem schon habe ja mehr mir sein vor mal zur durch hier mich
        bis doch ihr immer jetzt diese wurde wieder keine alle sehr können muss uns
        bin unter vom gut gibt hatte ihre dieser gegen seine alles also geht viel
        """.split()
    ),
    "es": frozenset(
        """
        de la que el en y a los no un se por es del las con una para lo su al como
        me más si pero te o mi le este sus esta todo ya ha cuando yo ser son sin hay
        está fue tu muy sobre también todos eso tiene nos porque qué así años dos
        bien entre puede desde hasta hacer ahora era esto vez hace nada ni donde
        parte solo algo tiempo día uno mejor mucho tan ver vida e ese han mismo
        siempre tengo cada después están gente esa estado estoy mundo va año
        """.split()
    ),
    "fr": frozenset(
        """
        de la le et l à les est en des d un que a pas une du il pour dans je qui c
        au ce sur qu par on ne plus avec j n mais se vous s ça tu elle son y ai ou
        si sont tout fait nous comme être bien ils cette faire sa aux même me ont t
        m était été mon ses lui aussi peut deux leur moi ces quand après suis très
        tous sans avoir non où va encore alors avait entre temps ans autres dit ma
        là peu autre rien
        """.split()
    ),
    "it": frozenset(
        """
        di e che il la a in non un per è del l i una le si con della da sono ma al
        ha come più dei se nel mi alla anche lo gli delle o questo ho ci su ad dal
        solo essere io nella ti cui d era stato quando tutti ed questa c tutto cosa
        hanno tra fatto prima suo loro parte perché anni due sia sua ai fare così
        dalla degli dopo sul alle uno ne poi quello sempre fa me chi ancora molto
        senza mai ogni altri ora mio può quanto mia sulla tempo dove
        """.split()
    ),
    "nl": frozenset(
        """
        de van het een en in is op ik dat voor je te met niet zijn die als er maar
        om aan hij ook ze door naar uit bij dan dit was we wat heeft of over nog
        deze hebben kan meer zo al geen mijn wel tot u wordt heb worden nu haar ben
        kunnen veel jaar me moet hoe mensen na ons waar werd goed gaan gaat onze wil
        zich zou doen andere hier dus tegen maken alleen mij onder had hun twee
        nieuwe weer zien zal jij moeten eerste komt wij echt eens daar heel toch
        """.split()
    ),
    "pt": frozenset(
        """
        de a o que e do em da é para não um uma com no se na por os eu como as mais
        dos mas foi ao me você ser seu sua tem são das ou à ele muito isso já nos
        também quando está meu pelo ela vai só dia pela sobre bem até mesmo pode
        pessoas te ter tudo ainda aqui fazer minha anos todos quem sem agora entre
        era seus nas assim depois este onde vou mundo estão esse tempo vida essa
        eles há porque tenho casa nada ver melhor bom foram sempre ano grande
        """.split()
    ),
    "tr": frozenset(
        """
        ve bir bu için de da çok ile ne daha en gibi olarak her kadar o olan ben var
        ama sonra ki iyi yok ya değil sen büyük yeni güzel sadece zaman ilk iki mi
        hiç ise oldu bile nasıl şey benim böyle son tek gün tüm yer önce artık göre
        mı seni beni aynı bana tarafından doğru veya biz olduğunu diye kendi olduğu
        olur d şu birlikte devam diğer sana fazla neden a önemli yıl içinde olmak
        şimdi çünkü ancak başka biri bunu işte olsun karşı arasında insanlar öyle
        şekilde bütün
        """.split()
    ),
}

#: English's most frequent function words that are none of the languages' frequent words:
#: about one word in ten of English prose, told by ``str.count`` before any word is split.
ENGLISH_ONLY = ("the", "and", "to", "that")

#: Letters that of these languages only Turkish writes (and English never): a word
#: holding one is evidence of Turkish as a frequent word is.  Turkish words take
#: suffixes, so its 100 most frequent forms cover a fifth of a news sentence where the
#: other languages' cover a third ("Cumhurbaşkanlığı Sözcüsü İbrahim Kalın, Hafter
#: güçlerinin Sirte’den çekilmesi gerektiğini söyledi." holds none of them).  U+0307 is
#: the dot that lower-cased "İ" keeps.
DISTINCTIVE_LETTERS: dict[str, str] = {"tr": "ığş\u0307"}

#: The languages' English names: a quotation the text introduces as German ("a German
#: obituary began: „…“", "said in Turkish: “…”") needs less evidence of its own.
LANGUAGE_NAMES = {
    "german": "de",
    "spanish": "es",
    "french": "fr",
    "italian": "it",
    "dutch": "nl",
    "portuguese": "pt",
    "turkish": "tr",
}
#: A language's name in the text before a quotation, on its line (group ``name``).
LANGUAGE_NAMED = regex.compile(rf"\b(?P<name>{'|'.join(LANGUAGE_NAMES)})\b", regex.IGNORECASE)

#: A quotation on one line, its body the group ``body``: English “…” and "…", French and
#: Spanish «…», German „…“ (or „…”) and »…«.
QUOTATION = regex.compile(
    r"“(?P<body>[^”\n]{1,600})”|«(?P<body>[^»\n]{1,600})»|„(?P<body>[^“”\n]{1,600})[“”]"
    r"|»(?P<body>[^«\n]{1,600})«|\"(?P<body>[^\"\n]{1,600})\""
)
#: A paragraph: lines up to an empty line, as the language stage reads them.
# The standard library's engine: this pattern means the same there, found 20% faster.
PARAGRAPH = re.compile(r"[^\n]+(?:\n[^\n]+)*")
#: A line, without its surrounding spaces.
LINE = regex.compile(r"\S(?:[^\n]*\S)?")
#: The space between two sentences: after a full stop, question or exclamation mark (and
#: a closing quotation mark), before a capital letter or an opening quotation mark.
SENTENCE_BOUNDARY = regex.compile(r"(?<=[.!?…][”»“\"’]?)\s+(?=[\p{Lu}“«„\"])")
#: A suffix after an apostrophe (Turkish "Hafter’in", "Libya’da"; English "Haftar’s"):
#: not a word of its own, whatever it spells.
APOSTROPHE_SUFFIX = regex.compile(r"(?<=\p{L})['’]\p{L}+")
