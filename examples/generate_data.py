#!/usr/bin/env python3
"""Generate examples/data.jsonl, the bundled LLM Test Bench example dataset.

Each line is one JSON object:
    {"id": "rec-0001", "category": "...", "prompt": "...", "response": "...", "expected": "..."}

The records are built from the hand-written templates and fact tables in this file.
Responses are a deliberate mix of correct, verbose-but-correct, partially correct, wrong
and off-topic answers, with varied casing and whitespace, so that evaluator scores vary and a
normalizing transform makes a difference.

Deterministic: standard library only, fixed seed. Regenerate with
    python3 examples/generate_data.py            # writes examples/data.jsonl
    python3 examples/generate_data.py -o out.jsonl
    python3 examples/generate_data.py --candidate   # writes examples/data-candidate.jsonl

--candidate writes the same records answered by a second, imaginary model (the baseline/report example of
examples/README.md): same ids, prompts and categories; some answers fixed, some gone off-topic, some padded
with filler, and two expected answers given as JSON numbers, as a careless export would.
"""

import argparse
import contextlib
import io
import json
import os
import random
import unicodedata

SEED = 20250101

# Records per category (total 1,340).
COUNTS = {
    "factual_qa": 320,
    "arithmetic": 180,
    "summarization": 120,
    "translation": 160,
    "code": 160,
    "sentiment": 150,
    "customer_support": 120,
    "definition": 130,
}

# How often each kind of response appears (weights, per category).
DEFAULT_MIX = {"correct": 34, "verbose": 20, "partial": 16, "wrong": 20, "off_topic": 10}
MIX = {
    "code": {"correct": 36, "verbose": 18, "partial": 14, "wrong": 24, "off_topic": 8},
    "sentiment": {"correct": 44, "verbose": 18, "partial": 12, "wrong": 18, "off_topic": 8},
    "customer_support": {"correct": 34, "verbose": 22, "partial": 20, "wrong": 14, "off_topic": 10},
}

# --------------------------------------------------------------------------------------------
# Shared phrase pools
# --------------------------------------------------------------------------------------------

OPENERS = ["Sure!", "Great question!", "Of course.", "Certainly!", "Happy to help.", "Good question.",
           "Absolutely.", "Let me explain.", "Here you go:", "Okay, let's think about this."]
CLOSERS = ["I hope this helps!", "Let me know if you have any other questions.",
           "Feel free to ask if you need more details.", "Hope that clears it up!",
           "Is there anything else you would like to know?", "Happy learning!"]

OFF_TOPIC = [
    "I'm sorry, but I can't help with that request.",
    "As an AI language model, I don't have personal opinions or feelings.",
    "Here's a quick recipe for banana bread: mash three ripe bananas, mix with melted butter, sugar, an egg and flour, then bake for an hour at 175 °C.",
    "The weather today is expected to be sunny with a high of 24 degrees.",
    "Could you clarify what you mean? I want to make sure I understand the question.",
    "Did you know that octopuses have three hearts and blue blood?",
    "I love this question! It reminds me of the history of the printing press, which changed Europe forever.",
    "Sure! What else would you like to know?",
    "The stock market closed higher today, led by gains in technology shares.",
    "To reset your router, unplug it for thirty seconds and plug it back in.",
    "My favourite book is a long story about a lighthouse keeper and his dog.",
    "Please consult a qualified professional for advice on this topic.",
    "Error: context window exceeded. Please shorten your input.",
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit.",
    "Here is a haiku: quiet morning light / the kettle begins to sing / the cat stretches twice",
    "That's an interesting thought. Have you considered learning a new language this year?",
    "I'm not able to browse the internet, so I can't look that up right now.",
    "The mitochondria is the powerhouse of the cell.",
    "Let's talk about something else. What's your favourite movie?",
    "I think the answer depends on many factors that are hard to summarize.",
    "Thank you for your message! Our office hours are Monday to Friday, 9 am to 5 pm.",
    "Step 1: preheat the oven. Step 2: wait. Step 3: enjoy.",
    "Sorry, I didn't catch that. Could you repeat the question?",
    "In conclusion, there are many ways to look at this, and all of them are valid.",
]


def cap_first(s):
    return s[:1].upper() + s[1:] if s else s


def low_first(s):
    return s[:1].lower() + s[1:] if s else s


def strip_period(s):
    return s[:-1] if s.endswith(".") else s


def strip_accents(s):
    nfkd = unicodedata.normalize("NFKD", s)
    return "".join(ch for ch in nfkd if not unicodedata.combining(ch))


def fmt_num(x):
    """Format a number the way a reference answer would: no trailing .0, at most 2 decimals."""
    if isinstance(x, float):
        x = round(x, 2)
        if x == int(x):
            return str(int(x))
        return ("%.2f" % x).rstrip("0").rstrip(".")
    return str(x)


def with_commas(x):
    if isinstance(x, int) or (isinstance(x, float) and x == int(x)):
        return "{:,}".format(int(x))
    return fmt_num(x)


def noisy(rng, s, allow_case=True):
    """Apply realistic casing/whitespace noise to a response (about 40% of responses)."""
    if rng.random() >= 0.40:
        return s
    kinds = ["lead", "trail", "double", "newline", "tab"]
    if allow_case:
        kinds += ["lower", "lower", "upper", "title_first_lower"]
    for kind in rng.sample(kinds, rng.choice([1, 1, 2])):
        if kind == "lead":
            s = rng.choice([" ", "  ", "\n", " \n"]) + s
        elif kind == "trail":
            s = s + rng.choice([" ", "  ", "\n", "\n\n", " \t"])
        elif kind == "double":
            s = s.replace(" ", "  ", rng.choice([1, 2, 3]))
        elif kind == "newline":
            idx = s.find(". ")
            if idx > 0:
                s = s[: idx + 1] + "\n" + s[idx + 2:]
            else:
                s = s + "\n"
        elif kind == "tab":
            s = "\t" + s if rng.random() < 0.5 else s.replace(" ", "\t", 1)
        elif kind == "lower":
            s = s.lower()
        elif kind == "upper":
            if len(s) < 80:
                s = s.upper()
        elif kind == "title_first_lower":
            s = low_first(s.lstrip())
    return s


def verbose_wrap(rng, core):
    return "%s %s %s" % (rng.choice(OPENERS), core, rng.choice(CLOSERS))


# --------------------------------------------------------------------------------------------
# Factual QA: capitals, science, history, units
# --------------------------------------------------------------------------------------------

# (country, capital, a plausible wrong answer)
CAPITALS = [
    ("Australia", "Canberra", "Sydney"), ("Canada", "Ottawa", "Toronto"), ("Brazil", "Brasília", "Rio de Janeiro"),
    ("Turkey", "Ankara", "Istanbul"), ("Switzerland", "Bern", "Zurich"), ("New Zealand", "Wellington", "Auckland"),
    ("Nigeria", "Abuja", "Lagos"), ("Morocco", "Rabat", "Casablanca"), ("Vietnam", "Hanoi", "Ho Chi Minh City"),
    ("India", "New Delhi", "Mumbai"), ("Pakistan", "Islamabad", "Karachi"),
    ("the United States", "Washington, D.C.", "New York City"), ("Japan", "Tokyo", "Kyoto"),
    ("China", "Beijing", "Shanghai"), ("France", "Paris", "Lyon"), ("Germany", "Berlin", "Munich"),
    ("Italy", "Rome", "Milan"), ("Spain", "Madrid", "Barcelona"), ("Portugal", "Lisbon", "Porto"),
    ("the Netherlands", "Amsterdam", "Rotterdam"), ("Belgium", "Brussels", "Antwerp"), ("Austria", "Vienna", "Salzburg"),
    ("Poland", "Warsaw", "Kraków"), ("the Czech Republic", "Prague", "Brno"), ("Hungary", "Budapest", "Debrecen"),
    ("Greece", "Athens", "Thessaloniki"), ("Sweden", "Stockholm", "Gothenburg"), ("Norway", "Oslo", "Bergen"),
    ("Denmark", "Copenhagen", "Aarhus"), ("Finland", "Helsinki", "Tampere"), ("Ireland", "Dublin", "Cork"),
    ("Russia", "Moscow", "Saint Petersburg"), ("Ukraine", "Kyiv", "Kharkiv"), ("Egypt", "Cairo", "Alexandria"),
    ("Kenya", "Nairobi", "Mombasa"), ("Ethiopia", "Addis Ababa", "Dire Dawa"), ("Ghana", "Accra", "Kumasi"),
    ("Argentina", "Buenos Aires", "Córdoba"), ("Chile", "Santiago", "Valparaíso"), ("Peru", "Lima", "Cusco"),
    ("Colombia", "Bogotá", "Medellín"), ("Mexico", "Mexico City", "Guadalajara"), ("Cuba", "Havana", "Santiago de Cuba"),
    ("Jamaica", "Kingston", "Montego Bay"), ("South Korea", "Seoul", "Busan"), ("Thailand", "Bangkok", "Chiang Mai"),
    ("the Philippines", "Manila", "Cebu City"), ("Malaysia", "Kuala Lumpur", "George Town"),
    ("Saudi Arabia", "Riyadh", "Jeddah"), ("Iran", "Tehran", "Isfahan"), ("Iraq", "Baghdad", "Basra"),
    ("Afghanistan", "Kabul", "Kandahar"), ("Bangladesh", "Dhaka", "Chittagong"), ("Nepal", "Kathmandu", "Pokhara"),
    ("Mongolia", "Ulaanbaatar", "Darkhan"), ("Kazakhstan", "Astana", "Almaty"), ("Iceland", "Reykjavík", "Akureyri"),
    ("Estonia", "Tallinn", "Tartu"), ("Latvia", "Riga", "Daugavpils"), ("Lithuania", "Vilnius", "Kaunas"),
    ("Croatia", "Zagreb", "Split"), ("Serbia", "Belgrade", "Novi Sad"), ("Romania", "Bucharest", "Cluj-Napoca"),
    ("Bulgaria", "Sofia", "Plovdiv"), ("Slovakia", "Bratislava", "Košice"), ("Slovenia", "Ljubljana", "Maribor"),
    ("Tanzania", "Dodoma", "Dar es Salaam"), ("Senegal", "Dakar", "Saint-Louis"), ("Uruguay", "Montevideo", "Punta del Este"),
    ("Venezuela", "Caracas", "Maracaibo"), ("Ecuador", "Quito", "Guayaquil"), ("Cameroon", "Yaoundé", "Douala"),
    ("Myanmar", "Naypyidaw", "Yangon"), ("Qatar", "Doha", "Al Rayyan"), ("the United Arab Emirates", "Abu Dhabi", "Dubai"),
    ("Jordan", "Amman", "Zarqa"), ("Tunisia", "Tunis", "Sfax"), ("Algeria", "Algiers", "Oran"),
    ("Malta", "Valletta", "Sliema"), ("the United Kingdom", "London", "Manchester"), ("Scotland", "Edinburgh", "Glasgow"),
]

CAPITAL_PROMPTS = [
    "What is the capital of {c}?",
    "Name the capital city of {c}.",
    "Which city is the capital of {c}?",
    "What city serves as the capital of {c}?",
    "Q: What's the capital of {c}?\nA:",
    "Answer with just the city name: capital of {c}?",
]

CAPITAL_FACTS = [
    "It is home to the national government and parliament.",
    "It is where most government ministries and foreign embassies are located.",
    "Many people assume it is a larger city, but the seat of government is here.",
    "It has been the capital for a long time and is an important cultural center.",
]

# (question, answer, wrong answer, explanation or None)
SCIENCE = [
    ("What is the chemical symbol for gold?", "Au", "Ag", "The symbol comes from the Latin word aurum."),
    ("What is the chemical symbol for sodium?", "Na", "So", "It comes from the Latin name natrium."),
    ("What is the chemical symbol for iron?", "Fe", "Ir", "Fe comes from the Latin ferrum."),
    ("What is the chemical symbol for potassium?", "K", "P", "K comes from the Latin kalium."),
    ("What is the chemical symbol for silver?", "Ag", "Si", "Ag comes from the Latin argentum."),
    ("What is the chemical formula of water?", "H2O", "H2O2", "Each water molecule has two hydrogen atoms and one oxygen atom."),
    ("Which gas do plants absorb from the air for photosynthesis?", "carbon dioxide", "oxygen",
     "Plants take in carbon dioxide and release oxygen."),
    ("Which planet is known as the Red Planet?", "Mars", "Jupiter", "Iron oxide on its surface gives it a reddish color."),
    ("What is the largest planet in our solar system?", "Jupiter", "Saturn", "Jupiter is more than twice as massive as all the other planets combined."),
    ("Which planet is closest to the Sun?", "Mercury", "Venus", None),
    ("How many planets are in our solar system?", "8", "9", "Pluto was reclassified as a dwarf planet in 2006."),
    ("At what temperature in degrees Celsius does water boil at sea level?", "100", "90", None),
    ("At what temperature in degrees Fahrenheit does water freeze?", "32", "0", None),
    ("What is the hardest naturally occurring substance?", "diamond", "quartz", "Diamond ranks 10 on the Mohs scale."),
    ("Which organelle is known as the powerhouse of the cell?", "mitochondria", "nucleus",
     "Mitochondria produce most of the cell's ATP."),
    ("Which subatomic particle carries a negative charge?", "electron", "proton", None),
    ("What is the atomic number of carbon?", "6", "12", "Carbon has six protons; 12 is its most common mass number."),
    ("What is the atomic number of oxygen?", "8", "16", None),
    ("What force keeps the planets in orbit around the Sun?", "gravity", "magnetism", None),
    ("How many bones are in the adult human body?", "206", "212", "Babies are born with around 300 bones, many of which fuse."),
    ("What is the largest organ of the human body?", "the skin", "the liver", None),
    ("Which blood cells carry oxygen around the body?", "red blood cells", "white blood cells",
     "They contain hemoglobin, which binds oxygen."),
    ("What is the most abundant gas in Earth's atmosphere?", "nitrogen", "oxygen", "Nitrogen makes up about 78% of the air."),
    ("What kind of animal is a dolphin?", "a mammal", "a fish", "Dolphins breathe air and nurse their young."),
    ("How many chromosomes does a typical human cell have?", "46", "48", "That is 23 pairs."),
    ("What is the SI unit of force?", "the newton", "the joule", None),
    ("What is the SI unit of electrical resistance?", "the ohm", "the volt", None),
    ("What is the SI unit of energy?", "the joule", "the watt", None),
    ("What is hydrogen peroxide's chemical formula?", "H2O2", "H2O", None),
    ("What is the common name for sodium chloride?", "table salt", "baking soda", None),
    ("Which planet has the most prominent ring system?", "Saturn", "Uranus", None),
    ("What is the pH of pure water at 25 °C?", "7", "0", "Pure water is neutral."),
    ("Which organ pumps blood through the body?", "the heart", "the lungs", None),
    ("Which vitamin does the skin produce when exposed to sunlight?", "vitamin D", "vitamin C", None),
    ("What is the process by which plants make food from sunlight called?", "photosynthesis", "respiration", None),
    ("Who developed the theory of general relativity?", "Albert Einstein", "Isaac Newton", "He published it in 1915."),
    ("Who formulated the three laws of motion?", "Isaac Newton", "Galileo Galilei", "They appear in his Principia of 1687."),
    ("Who proposed the theory of evolution by natural selection?", "Charles Darwin", "Gregor Mendel",
     "He described it in On the Origin of Species (1859)."),
    ("What is the smallest unit of life?", "the cell", "the atom", None),
    ("What is absolute zero in degrees Celsius?", "-273.15", "-100", None),
    ("Which element makes up most of the Sun's mass?", "hydrogen", "helium", None),
    ("Roughly how long does sunlight take to reach Earth?", "about 8 minutes", "about 8 seconds",
     "The Sun is about 150 million kilometers away."),
    ("What is the nearest star to Earth?", "the Sun", "Proxima Centauri",
     "Proxima Centauri is the nearest star other than the Sun."),
    ("What is the speed of light in a vacuum in kilometers per second, approximately?", "299,792", "150,000", None),
    ("What do bees collect from flowers to make honey?", "nectar", "pollen", None),
    ("Which gas do humans exhale as a waste product?", "carbon dioxide", "nitrogen", None),
]

HISTORY = [
    ("In what year did World War II end?", "1945", "1944", None),
    ("In what year did World War I begin?", "1914", "1918", None),
    ("Who was the first President of the United States?", "George Washington", "Thomas Jefferson", None),
    ("In what year did the Berlin Wall fall?", "1989", "1991", "It fell on 9 November 1989."),
    ("In what year did humans first land on the Moon?", "1969", "1971", "Apollo 11 landed in July 1969."),
    ("Who was the first person to walk on the Moon?", "Neil Armstrong", "Buzz Aldrin", None),
    ("In what year did Christopher Columbus first reach the Americas?", "1492", "1498", None),
    ("Which empire built the Colosseum in Rome?", "the Roman Empire", "the Greek Empire", None),
    ("Who wrote the first draft of the US Declaration of Independence?", "Thomas Jefferson", "Benjamin Franklin", None),
    ("In what year was the US Declaration of Independence adopted?", "1776", "1789", None),
    ("In what year did the French Revolution begin?", "1789", "1799", "It began with the storming of the Bastille."),
    ("Who was the first Roman emperor?", "Augustus", "Julius Caesar", "Julius Caesar was a dictator, never emperor."),
    ("Which ship sank on its maiden voyage in April 1912?", "the Titanic", "the Lusitania", None),
    ("Who painted the Mona Lisa?", "Leonardo da Vinci", "Michelangelo", None),
    ("In what year did the Soviet Union dissolve?", "1991", "1989", None),
    ("Who was the British Prime Minister for most of World War II?", "Winston Churchill", "Neville Chamberlain", None),
    ("Which civilization built Machu Picchu?", "the Inca", "the Aztecs", None),
    ("In what year was the Battle of Hastings fought?", "1066", "1096", None),
    ("Who introduced movable-type printing to Europe?", "Johannes Gutenberg", "William Caxton", None),
    ("In what year did Nelson Mandela become President of South Africa?", "1994", "1990",
     "He was released from prison in 1990 and elected in 1994."),
    ("Who was the first woman to win a Nobel Prize?", "Marie Curie", "Rosalind Franklin", None),
    ("In what year did the American Civil War end?", "1865", "1863", None),
    ("Who was President of the United States during the American Civil War?", "Abraham Lincoln", "Ulysses S. Grant", None),
    ("In what year was the Magna Carta sealed?", "1215", "1315", None),
    ("Who made the first solo nonstop flight across the Atlantic?", "Charles Lindbergh", "Amelia Earhart", None),
    ("In what year did India gain independence from Britain?", "1947", "1950", None),
    ("Who discovered penicillin?", "Alexander Fleming", "Louis Pasteur", "He noticed it in 1928."),
    ("In what year were the first modern Olympic Games held?", "1896", "1900", "They were held in Athens."),
    ("Which ancient queen of Egypt was allied with Mark Antony?", "Cleopatra", "Nefertiti", None),
    ("In what year did the Wright brothers make their first powered flight?", "1903", "1908", None),
    ("What was the name of the first artificial satellite?", "Sputnik 1", "Explorer 1", None),
    ("Who was the first human in space?", "Yuri Gagarin", "Alan Shepard", "He orbited Earth in April 1961."),
    ("Which country gave the Statue of Liberty to the United States?", "France", "the United Kingdom", None),
    ("In what year did the Chernobyl nuclear disaster happen?", "1986", "1979", None),
    ("In which city was John F. Kennedy assassinated?", "Dallas", "Washington, D.C.", None),
    ("Who led India's nonviolent independence movement?", "Mahatma Gandhi", "Jawaharlal Nehru", None),
    ("Which empire did Genghis Khan found?", "the Mongol Empire", "the Ottoman Empire", None),
    ("In what year did the Ottomans capture Constantinople?", "1453", "1492", None),
    ("Who co-wrote The Communist Manifesto with Friedrich Engels?", "Karl Marx", "Vladimir Lenin", None),
    ("In what year did euro banknotes and coins enter circulation?", "2002", "1999",
     "The euro existed as an accounting currency from 1999."),
    ("Who was the first female Prime Minister of the United Kingdom?", "Margaret Thatcher", "Theresa May", None),
    ("Which wall was built across northern England by the Romans?", "Hadrian's Wall", "the Antonine Wall", None),
    ("Who was the first Chancellor of a reunified Germany?", "Helmut Kohl", "Angela Merkel", None),
    ("In what year did the Great Fire of London occur?", "1666", "1566", None),
]

QA_PROMPTS = ["{q}", "Question: {q}", "Answer briefly: {q}", "{q} Keep your answer short.", "Quick quiz: {q}"]

# (from unit, to unit, factor, a common wrong factor, candidate amounts)
UNITS = [
    ("kilometers", "meters", 1000, 100, [2, 3, 4.5, 7, 12, 0.8, 2.5, 15]),
    ("meters", "centimeters", 100, 1000, [3, 1.5, 8, 0.25, 12, 6.4]),
    ("kilograms", "grams", 1000, 100, [2, 5, 1.2, 0.5, 3.75, 9]),
    ("hours", "minutes", 60, 100, [2, 3, 1.5, 4, 7, 0.75, 10]),
    ("minutes", "seconds", 60, 100, [5, 12, 2.5, 8, 30, 45]),
    ("liters", "milliliters", 1000, 100, [2, 0.75, 1.5, 4, 0.33, 3]),
    ("feet", "inches", 12, 10, [3, 5, 6, 8, 2.5, 10]),
    ("yards", "feet", 3, 12, [4, 7, 10, 15, 22, 100]),
    ("days", "hours", 24, 12, [2, 3, 5, 7, 10, 1.5]),
    ("weeks", "days", 7, 5, [3, 4, 6, 9, 12, 52]),
    ("dozen eggs", "eggs", 12, 10, [2, 3, 5, 1.5, 4]),
    ("kilobytes", "bytes", 1000, 1024, [3, 5, 8, 16, 64]),
    ("centuries", "years", 100, 1000, [2, 3, 5, 1.5]),
    ("tonnes", "kilograms", 1000, 100, [2, 3.5, 0.6, 12]),
]

SINGULAR = {"feet": "foot", "centuries": "century", "dozen eggs": "dozen", "inches": "inch"}

UNIT_PROMPTS = [
    "How many {to} are in {n} {frm}?",
    "Convert {n} {frm} to {to}.",
    "{n} {frm} is how many {to}?",
    "Unit conversion: {n} {frm} = ? {to}",
]


def hedge_pair(rng, right, wrong):
    a, b = (right, wrong) if rng.random() < 0.5 else (wrong, right)
    return rng.choice([
        "It's either {a} or {b}, I'm not completely sure.",
        "I think it might be {a}, but it could also be {b}.",
        "Possibly {a}? Some sources say {b}.",
    ]).format(a=a, b=b)


def misspell(rng, word):
    letters = [i for i, ch in enumerate(word) if ch.isalpha()]
    if len(letters) < 5:
        return None
    i = rng.choice(letters[1:-1])
    if rng.random() < 0.5:
        return word[:i] + word[i + 1:]                # dropped letter
    return word[:i] + word[i] + word[i:]              # doubled letter


def gen_capital(rng, outcome):
    country, capital, wrong = rng.choice(CAPITALS)
    prompt = rng.choice(CAPITAL_PROMPTS).format(c=country)
    C = cap_first(country)
    if outcome == "correct":
        resp = rng.choice(["{cap}", "{cap}.", "The capital of {c} is {cap}.", "{cap} is the capital of {c}.",
                           "It's {cap}."]).format(cap=capital, c=country)
    elif outcome == "verbose":
        resp = verbose_wrap(rng, "The capital of %s is %s. %s" % (country, capital, rng.choice(CAPITAL_FACTS)))
    elif outcome == "partial":
        bad = misspell(rng, capital)
        if bad and rng.random() < 0.5:
            resp = rng.choice(["{b}", "The capital is {b}.", "I believe it's {b}."]).format(b=bad)
        else:
            resp = hedge_pair(rng, capital, wrong)
    elif outcome == "wrong":
        resp = rng.choice(["{w}", "{w}.", "The capital of {c} is {w}.", "{C}'s capital is {w}."]
                          ).format(w=wrong, c=country, C=C)
    else:
        resp = rng.choice(OFF_TOPIC)
    return prompt, resp, capital


def gen_fact(rng, outcome, table):
    q, a, wrong, why = rng.choice(table)
    prompt = rng.choice(QA_PROMPTS).format(q=q)
    if outcome == "correct":
        resp = rng.choice(["{a}", "{A}.", "The answer is {a}.", "{A}"]).format(a=a, A=cap_first(a))
    elif outcome == "verbose":
        core = "The answer is %s. %s" % (a, why or "This is a well-established fact found in most textbooks.")
        resp = verbose_wrap(rng, core)
    elif outcome == "partial":
        resp = hedge_pair(rng, a, wrong)
    elif outcome == "wrong":
        resp = rng.choice(["{w}", "{W}.", "The answer is {w}.", "I'm fairly confident it's {w}."]
                          ).format(w=wrong, W=cap_first(wrong))
    else:
        resp = rng.choice(OFF_TOPIC)
    return prompt, resp, a


def gen_unit(rng, outcome):
    frm, to, factor, wrong_factor, amounts = rng.choice(UNITS)
    n = rng.choice(amounts)
    ans = n * factor
    ans = round(ans, 2) if isinstance(ans, float) else ans
    prompt = rng.choice(UNIT_PROMPTS).format(n=fmt_num(n), frm=frm, to=to)
    A = fmt_num(ans)
    if outcome == "correct":
        resp = rng.choice(["{A}", "{A} {to}", "{n} {frm} is {A} {to}.", "That's {A} {to}."]).format(
            A=A, to=to, n=fmt_num(n), frm=frm)
    elif outcome == "verbose":
        resp = verbose_wrap(rng, "There are %s %s in one %s, so %s %s = %s x %s = %s %s." % (
            fmt_num(factor), to, SINGULAR.get(frm, frm[:-1] if frm.endswith("s") else frm), fmt_num(n), frm, fmt_num(n),
            fmt_num(factor), A, to))
    elif outcome == "partial":
        resp = rng.choice([
            "Multiply by %s: the result is around %s %s." % (fmt_num(factor), fmt_num(round(ans * 1.1)), to),
            "You need to multiply %s by %s." % (fmt_num(n), fmt_num(factor)),
            "%s %s" % (with_commas(ans), to) if ans >= 1000 else "About %s %s" % (fmt_num(round(ans)), to),
        ])
    elif outcome == "wrong":
        bad = rng.choice([n * wrong_factor, n / factor])
        resp = rng.choice(["{B}", "{B} {to}", "It is {B} {to}."]).format(B="%g" % bad, to=to)
    else:
        resp = rng.choice(OFF_TOPIC)
    return prompt, resp, A


def gen_temperature(rng, outcome):
    c = rng.choice([-10, 0, 5, 10, 15, 20, 25, 30, 35, 40, 100, 37])
    f = fmt_num(c * 9 / 5 + 32)
    prompt = rng.choice(["Convert {c} °C to Fahrenheit.", "What is {c} degrees Celsius in Fahrenheit?",
                         "{c}°C = ? °F"]).format(c=c)
    if outcome == "correct":
        resp = rng.choice(["{f}", "{f} °F", "{c} °C is {f} °F.", "{f} degrees Fahrenheit"]).format(f=f, c=c)
    elif outcome == "verbose":
        resp = verbose_wrap(rng, "Use F = C x 9/5 + 32. So %d x 9/5 = %s, plus 32 gives %s °F." % (c, fmt_num(c * 9 / 5), f))
    elif outcome == "partial":
        resp = "Use the formula F = C x 9/5 + 32."
    elif outcome == "wrong":
        resp = rng.choice(["%d °F" % (c * 2 + 30), fmt_num(c * 9 / 5), "%d °F" % (c + 32)])
    else:
        resp = rng.choice(OFF_TOPIC)
    return prompt, resp, f


def gen_factual(rng, outcome):
    r = rng.random()
    if r < 0.34:
        return gen_capital(rng, outcome)
    if r < 0.58:
        return gen_fact(rng, outcome, SCIENCE)
    if r < 0.81:
        return gen_fact(rng, outcome, HISTORY)
    if r < 0.95:
        return gen_unit(rng, outcome)
    return gen_temperature(rng, outcome)


# --------------------------------------------------------------------------------------------
# Arithmetic word problems
# --------------------------------------------------------------------------------------------

NAMES = ["Sarah", "Tom", "Aisha", "Diego", "Mei", "Lukas", "Priya", "Omar", "Hannah", "Kenji", "Zoe", "Mateo",
         "Fatima", "Noah", "Ingrid", "Ravi"]


def money(x):
    if x == int(x):
        return "$%d" % int(x)
    return "$%.2f" % x


def problem(rng):
    """Return (prompt, answer, unit_suffix, steps, setup, wrong_candidates)."""
    name = rng.choice(NAMES)
    k = rng.randrange(16)
    if k == 0:
        a, b = rng.randint(12, 95), rng.randint(8, 80)
        item = rng.choice(["muffins", "croissants", "bagels", "cupcakes"])
        p = "A bakery sells %d %s in the morning and %d in the afternoon. How many %s does it sell in total?" % (a, item, b, item)
        return p, a + b, "", "%d + %d = %d" % (a, b, a + b), "We need to add %d and %d." % (a, b), [a + b + 10, a - b, a + b - 1]
    if k == 1:
        a = rng.randint(20, 90); b = rng.randint(3, a - 5)
        fruit = rng.choice(["apples", "stickers", "marbles", "cards"])
        p = "%s has %d %s and gives %d to a friend. How many %s does %s have left?" % (name, a, fruit, b, fruit, name)
        return p, a - b, "", "%d - %d = %d" % (a, b, a - b), "We subtract %d from %d." % (b, a), [a + b, a - b + 1, a - b - 10]
    if k == 2:
        a, b = rng.randint(6, 48), rng.randint(3, 25)
        p = "A box holds %d pencils. How many pencils are in %d boxes?" % (a, b)
        return p, a * b, "", "%d x %d = %d" % (a, b, a * b), "Multiply the pencils per box by the number of boxes.", [a + b, a * b - a, a * (b + 1)]
    if k == 3:
        g = rng.randint(3, 9); per = rng.randint(4, 12); a = g * per
        p = "%d students are split equally into %d groups. How many students are in each group?" % (a, g)
        return p, per, "", "%d / %d = %d" % (a, g, per), "Divide the students by the number of groups.", [per + 1, a - g, g]
    if k == 4:
        s = rng.choice([40, 50, 60, 75, 80, 90, 120]); t = rng.choice([2, 3, 4, 1.5, 2.5, 5])
        p = "A train travels at %d km/h for %s hours. How far does it travel?" % (s, fmt_num(t))
        d = s * t
        return p, d, " km", "%d x %s = %s km" % (s, fmt_num(t), fmt_num(d)), "Distance equals speed times time.", [s + t, d / 2, d + s]
    if k == 5:
        price = rng.choice([20, 40, 60, 80, 120, 30, 50]); disc = rng.choice([10, 20, 25, 50])
        sale = price * (100 - disc) / 100
        p = "A jacket costs %s. It is on sale for %d%% off. What is the sale price?" % (money(price), disc)
        return (p, sale, "$", "%d%% of %s is %s, and %s - %s = %s" % (disc, money(price), money(price * disc / 100), money(price),
                money(price * disc / 100), money(sale)), "Find %d%% of %s and subtract it." % (disc, money(price)),
                [price * disc / 100, price - disc, sale + 5])
    if k == 6:
        a = rng.randint(8, 40); w = rng.randint(2, 5)
        p = "%s reads %d pages a day. How many pages does %s read in %d weeks?" % (name, a, name, w)
        return p, a * 7 * w, "", "%d weeks = %d days, and %d x %d = %d" % (w, 7 * w, a, 7 * w, a * 7 * w), \
            "First convert weeks to days.", [a * w, a * 5 * w, a * 7]
    if k == 7:
        a, b = rng.randint(3, 25), rng.randint(2, 18)
        p = "A rectangle is %d cm long and %d cm wide. What is its area?" % (a, b)
        return p, a * b, " square centimeters", "%d x %d = %d" % (a, b, a * b), "Area is length times width.", [2 * (a + b), a + b, a * b + a]
    if k == 8:
        a, b = rng.randint(3, 40), rng.randint(2, 30)
        p = "A garden is %d m long and %d m wide. How much fencing is needed to go around it?" % (a, b)
        return p, 2 * (a + b), " m", "2 x (%d + %d) = %d" % (a, b, 2 * (a + b)), "Perimeter is twice the sum of length and width.", [a * b, a + b, 2 * a + b]
    if k == 9:
        ad, ch = rng.choice([12, 15, 18, 20, 25]), rng.choice([6, 8, 9, 10, 12])
        x, y = rng.randint(1, 4), rng.randint(1, 5)
        tot = ad * x + ch * y
        p = "Museum tickets cost %s for adults and %s for children. How much do %d adults and %d children pay in total?" % (
            money(ad), money(ch), x, y)
        return p, tot, "$", "%d x %s + %d x %s = %s + %s = %s" % (x, money(ad), y, money(ch), money(ad * x), money(ch * y), money(tot)), \
            "Multiply each ticket price by the number of people, then add.", [ad + ch, ad * x, tot + ch]
    if k == 10:
        cap = rng.choice([200, 400, 500, 800, 1000, 1200]); pct = rng.choice([25, 40, 50, 60, 75, 80])
        v = cap * pct // 100
        p = "A water tank holds %d liters and is %d%% full. How many liters of water are in it?" % (cap, pct)
        return p, v, " liters", "%d%% of %d = %d" % (pct, cap, v), "Take %d%% of the capacity." % pct, [cap - v, v + pct, pct]
    if k == 11:
        w1 = rng.choice([2, 3, 4, 6]); d1 = rng.choice([6, 8, 12, 10]); w2 = rng.choice([x for x in [2, 3, 4, 6, 8, 12] if x != w1 and (w1 * d1) % x == 0])
        d2 = w1 * d1 // w2
        p = "If %d workers can paint a house in %d days, how many days would %d workers take at the same rate?" % (w1, d1, w2)
        return p, d2, " days", "%d x %d = %d worker-days; %d / %d = %d" % (w1, d1, w1 * d1, w1 * d1, w2, d2), \
            "The total work is workers times days.", [d1 * w2 // w1 if (d1 * w2) % w1 == 0 else d1 + 1, d1, d2 + 2]
    if k == 12:
        m = rng.randint(20, 90)
        xs = [m - rng.randint(1, 15), m + rng.randint(1, 15)]
        xs.append(3 * m - sum(xs))
        rng.shuffle(xs)
        p = "What is the average of %d, %d and %d?" % tuple(xs)
        return p, m, "", "(%d + %d + %d) / 3 = %d / 3 = %d" % (xs[0], xs[1], xs[2], 3 * m, m), \
            "Add the numbers and divide by 3.", [3 * m, m + 1, sorted(xs)[1] + 2]
    if k == 13:
        rate = rng.choice([12, 15, 18, 20, 22]); h = rng.randint(6, 9); spend = rng.choice([25, 30, 40, 45, 60])
        left = rate * h - spend
        p = "%s earns %s per hour and works %d hours. After spending %s on groceries, how much money is left?" % (
            name, money(rate), h, money(spend))
        return p, left, "$", "%s x %d = %s, and %s - %s = %s" % (money(rate), h, money(rate * h), money(rate * h), money(spend), money(left)), \
            "First find the total earnings.", [rate * h, rate + h - spend, left + rate]
    if k == 14:
        eggs = rng.choice([2, 3, 4]); cookies = rng.choice([12, 18, 24]); mult = rng.choice([2, 3, 4])
        p = "A recipe uses %d eggs to make %d cookies. How many eggs are needed for %d cookies?" % (eggs, cookies, cookies * mult)
        return p, eggs * mult, "", "%d / %d = %d batches, %d x %d = %d" % (cookies * mult, cookies, mult, mult, eggs, eggs * mult), \
            "Work out how many batches are needed.", [eggs * mult + 1, cookies * mult // eggs, eggs + mult]
    h1 = rng.randint(7, 12); m1 = rng.choice([0, 10, 15, 20, 30, 45]); dur = rng.randint(35, 200)
    t2 = h1 * 60 + m1 + dur
    p = "A movie starts at %d:%02d and ends at %d:%02d. How many minutes long is it?" % (h1, m1, t2 // 60, t2 % 60)
    return p, dur, " minutes", "From %d:%02d to %d:%02d is %d h %d min = %d minutes" % (h1, m1, t2 // 60, t2 % 60, dur // 60, dur % 60, dur), \
        "Count the hours and minutes between the two times.", [dur + 40, dur - 10, dur // 60 * 100 + dur % 60]


def fmt_answer(ans, suffix):
    if suffix == "$":
        return money(ans)
    return fmt_num(ans)


def gen_arithmetic(rng, outcome):
    prompt, ans, suffix, steps, setup, wrongs = problem(rng)
    A = fmt_answer(ans, suffix)
    unit = "" if suffix == "$" else suffix
    if outcome == "correct":
        resp = rng.choice(["{A}", "{A}{u}", "The answer is {A}{u}.", "Answer: {A}"]).format(A=A, u=unit)
    elif outcome == "verbose":
        resp = "%s Let's solve this step by step. %s %s. Therefore, the answer is %s%s. %s" % (
            rng.choice(OPENERS), setup, cap_first(steps), A, unit, rng.choice(CLOSERS))
    elif outcome == "partial":
        resp = rng.choice([setup, "%s Then we combine the numbers to get the result." % setup,
                           "Roughly %s%s, give or take." % (fmt_num(round(float(ans) * 1.08)), unit)])
    elif outcome == "wrong":
        wrongs = [w for w in wrongs if fmt_answer(w, suffix) != A] or [ans + 1]
        w = rng.choice(wrongs)
        w = float(w) if suffix == "$" else w
        resp = rng.choice(["{W}", "The answer is {W}{u}.", "{W}{u}", "I calculated {W}{u}."]).format(
            W=fmt_answer(w, suffix), u=unit)
    else:
        resp = rng.choice(OFF_TOPIC)
    return prompt, resp, A


# --------------------------------------------------------------------------------------------
# Summarization
# --------------------------------------------------------------------------------------------

# text, reference summary, correct paraphrase, partial summary, wrong summary
PASSAGES = [
    ("The city council voted on Tuesday to extend the downtown bike lane network by 12 kilometers. The project will cost "
     "4.5 million dollars and is expected to be finished by next summer. Supporters say it will reduce traffic and "
     "improve safety, while some shop owners worry about losing parking spaces.",
     "The city council approved a 4.5 million dollar, 12-kilometer extension of downtown bike lanes, due next summer, despite parking concerns from some shop owners.",
     "Council approved adding 12 km of downtown bike lanes for $4.5 million by next summer; supporters expect safer streets while some shops fear losing parking.",
     "The city council voted on bike lanes.",
     "The city council rejected a plan to build new parking garages downtown."),
    ("Researchers at a university hospital found that patients who walked for 30 minutes a day after heart surgery "
     "recovered about two days faster than those who stayed in bed. The study followed 400 patients over two years. "
     "The authors caution that the patients were not randomly assigned to the two groups.",
     "A two-year study of 400 heart-surgery patients found that daily 30-minute walks were linked to recovery about two days faster, though the groups were not randomized.",
     "Walking 30 minutes daily after heart surgery was associated with two-day faster recovery in 400 patients, but the study was not randomized.",
     "Walking is good for heart patients.",
     "A study showed that bed rest speeds up recovery after heart surgery."),
    ("The company reported third-quarter revenue of 2.1 billion euros, up 8 percent from a year earlier, driven by strong "
     "sales of its electric scooters. Profit fell slightly because of higher battery costs. The firm kept its full-year "
     "forecast unchanged.",
     "Third-quarter revenue rose 8 percent to 2.1 billion euros on strong electric scooter sales, but profit dipped on battery costs; the full-year forecast is unchanged.",
     "Revenue grew 8% to €2.1bn thanks to e-scooter sales, while higher battery costs trimmed profit and guidance stayed the same.",
     "The company's revenue went up because of scooters.",
     "The company cut its forecast after revenue fell 8 percent."),
    ("A heat wave is expected to hit the region this weekend, with temperatures reaching 39 degrees Celsius. Authorities "
     "advise people to drink plenty of water, avoid outdoor exercise at midday and check on elderly neighbors. Public "
     "swimming pools will stay open until 10 pm.",
     "A weekend heat wave with temperatures up to 39 °C is coming; officials urge hydration, avoiding midday exercise and checking on the elderly, and pools will open until 10 pm.",
     "Temperatures may reach 39 °C this weekend, so people should drink water, skip midday workouts and look after elderly neighbors; pools stay open late.",
     "It will be hot this weekend.",
     "Heavy rain and flooding are expected this weekend, so pools will be closed."),
    ("The library will close its main branch for renovations from March to September. During that time, books can be "
     "borrowed and returned at the two neighborhood branches, and the online catalog will remain available. The "
     "renovation will add a children's reading room and a small café.",
     "The main library branch closes from March to September for renovations adding a children's room and café; neighborhood branches and the online catalog stay available.",
     "While the main branch is renovated from March to September, people can use the two local branches and the online catalog; it will reopen with a kids' room and café.",
     "The main library will be renovated.",
     "The library is closing permanently and the online catalog will be shut down."),
    ("Scientists have discovered a new species of frog in the rainforests of Ecuador. The frog is only about 2 centimeters "
     "long and has bright orange spots on its back. Because its habitat is threatened by logging, the researchers "
     "recommend that it be listed as endangered.",
     "A new 2-centimeter, orange-spotted frog species was found in Ecuador's rainforests, and researchers want it listed as endangered because logging threatens its habitat.",
     "Researchers in Ecuador found a tiny new frog species with orange spots and urge an endangered listing due to logging.",
     "A new frog was found in Ecuador.",
     "Scientists found that a common frog species in Ecuador has gone extinct."),
    ("The airline announced that starting in June, passengers on short flights will have to pay for checked bags. Carry-on "
     "bags remain free, and members of the loyalty program are exempt from the new fee. The airline says the change "
     "will help keep ticket prices low.",
     "From June the airline will charge for checked bags on short flights, though carry-ons stay free and loyalty members are exempt; it says this keeps fares low.",
     "Checked luggage on short flights will cost extra from June, except for loyalty members, while carry-on bags remain free.",
     "The airline is changing its baggage rules.",
     "The airline will start charging for carry-on bags on all flights."),
    ("A local high school robotics team won first place at the national championship after building a robot that can sort "
     "recycling by material. The team of eight students spent six months on the project. They plan to donate the prize "
     "money to a community recycling center.",
     "A local high school robotics team won the national championship with a recycling-sorting robot built over six months and will donate the prize to a recycling center.",
     "Eight students won nationals with a robot that sorts recycling and are giving their prize money to a community recycling center.",
     "A school robotics team won a competition.",
     "A high school team came last at the national robotics championship."),
    ("The new smartphone has a larger battery that lasts up to two days, a brighter screen and an improved camera for low "
     "light. However, it is heavier than last year's model and costs 100 dollars more. Reviewers say it is a solid "
     "upgrade for people with phones that are at least three years old.",
     "The new phone offers two-day battery life, a brighter screen and better low-light camera, but is heavier and 100 dollars pricier; reviewers recommend it for owners of older phones.",
     "Reviewers call the phone a good upgrade from three-year-old models thanks to its battery, screen and camera, despite more weight and a higher price.",
     "The new phone has a better battery.",
     "Reviewers say the new phone is cheaper and lighter but has a worse camera."),
    ("After three years of drought, the reservoir that supplies the city is at 23 percent of capacity. Officials have "
     "banned watering lawns during the day and will fine households that use more than twice the average amount. They "
     "are also speeding up construction of a water recycling plant.",
     "With the city's reservoir at 23 percent after a three-year drought, officials banned daytime lawn watering, will fine heavy users and are accelerating a water recycling plant.",
     "Drought has left the reservoir 23% full, so daytime lawn watering is banned, heavy users face fines and a recycling plant is being fast-tracked.",
     "The city's reservoir is low because of drought.",
     "Heavy rain has filled the city's reservoir, so water restrictions have been lifted."),
    ("The museum has acquired a collection of 300 letters written by a 19th-century explorer during her travels across "
     "Central Asia. The letters describe daily life, trade routes and local customs. They will be digitized and made "
     "available online next year.",
     "The museum acquired 300 letters by a 19th-century explorer describing travel in Central Asia, which will be digitized and published online next year.",
     "A collection of 300 letters from a 19th-century woman explorer of Central Asia, covering daily life and trade, will go online next year.",
     "A museum got some old letters.",
     "The museum sold its collection of explorer letters to a private buyer."),
    ("A software update released on Monday fixed a security flaw that could let attackers read users' messages. The "
     "company urges everyone to install the update immediately. There is no evidence that the flaw was exploited.",
     "Monday's software update fixes a flaw that could expose users' messages; the company urges immediate installation and says there is no sign it was exploited.",
     "A security hole that could reveal messages was patched on Monday, and users should update right away, although no attacks are known.",
     "There is a new software update.",
     "Attackers stole millions of messages before the company released a fix."),
    ("The marathon on Sunday will close several streets in the city center from 6 am to 2 pm. Buses will be rerouted and "
     "two metro stations will have extra trains. Spectators are encouraged to use public transport.",
     "Sunday's marathon closes central streets from 6 am to 2 pm, with rerouted buses and extra metro trains, and spectators are urged to use public transport.",
     "Several downtown streets close 6 am–2 pm on Sunday for the marathon; buses will detour and the metro adds trains.",
     "There is a marathon on Sunday.",
     "The marathon has been cancelled and all streets will stay open."),
    ("A survey of 2,000 remote workers found that 68 percent feel more productive at home, but 45 percent say they feel "
     "isolated. Most respondents would prefer a hybrid arrangement with two or three office days per week.",
     "In a survey of 2,000 remote workers, 68 percent felt more productive at home and 45 percent felt isolated, with most preferring a hybrid schedule.",
     "Most of 2,000 surveyed remote workers want hybrid work: 68% are more productive at home, yet 45% feel isolated.",
     "Remote workers feel more productive.",
     "Most remote workers surveyed want to return to the office full-time."),
    ("The national park will introduce a reservation system for cars during the summer months to reduce congestion. "
     "Visitors arriving by shuttle bus, bicycle or on foot will not need a reservation. Reservations open online 30 days "
     "in advance.",
     "To cut summer congestion, the national park will require car reservations, bookable online 30 days ahead, while shuttle, bike and foot visitors are exempt.",
     "Cars will need a reservation in summer at the park, booked online up to 30 days ahead; people arriving by shuttle, bike or on foot don't.",
     "The park will have reservations.",
     "The national park will ban all visitors during the summer."),
    ("A bakery chain is recalling its whole-wheat bread after some loaves were found to contain small pieces of plastic. "
     "The affected loaves have best-before dates between 3 and 9 May. Customers can return them to any store for a full "
     "refund.",
     "A bakery chain is recalling whole-wheat loaves dated 3–9 May that may contain plastic pieces, offering full refunds in any store.",
     "Whole-wheat bread with best-before dates from 3 to 9 May is recalled because of plastic fragments; stores will refund it.",
     "Some bread is being recalled.",
     "The bakery is recalling white bread because of a mislabeled allergen."),
    ("The football club announced that its head coach will leave at the end of the season after seven years in charge. "
     "During that time the team won two league titles and one national cup. The club has not yet named a successor.",
     "The club's head coach will leave at season's end after seven years with two league titles and a national cup; no successor has been named.",
     "After seven successful years, including two league titles and a cup, the coach departs at the end of the season, with his replacement still unknown.",
     "The coach is leaving.",
     "The club fired its coach after a season without any trophies."),
    ("Engineers have completed tests on a new bridge design that uses recycled plastic in its deck. The material is "
     "lighter than concrete and does not rust, which could reduce maintenance costs. The first bridge of this type will "
     "be built over a small river next spring.",
     "A tested bridge design with a recycled-plastic deck, lighter than concrete and rust-free, could cut maintenance costs; the first one will be built next spring.",
     "Engineers finished testing a recycled-plastic bridge deck that is light and rustproof, and the first such bridge goes up over a river next spring.",
     "Engineers tested a new bridge.",
     "Engineers found that plastic bridges are too heavy and will not be built."),
    ("The school district will start classes 45 minutes later next year after research showed teenagers get more sleep "
     "with later start times. Bus schedules will change and after-school activities will end later. Some parents are "
     "worried about childcare in the morning.",
     "The school district will start classes 45 minutes later next year to help teenagers sleep more, shifting buses and activities, though some parents worry about morning childcare.",
     "Citing sleep research, the district is moving start times 45 minutes later, changing bus and activity schedules despite parents' childcare concerns.",
     "School will start later.",
     "The school district will start classes an hour earlier to finish the day sooner."),
    ("A volcano on the island erupted early Thursday, sending ash 5 kilometers into the air. No injuries were reported, "
     "but the airport was closed and about 1,200 residents were evacuated as a precaution.",
     "A volcano erupted Thursday, sending ash 5 km high; there were no injuries, but the airport closed and 1,200 residents were evacuated as a precaution.",
     "Thursday's eruption sent ash 5 km up, forcing the island's airport to close and 1,200 people to evacuate, with no injuries reported.",
     "A volcano erupted.",
     "A volcano eruption injured hundreds and destroyed the island's airport."),
    ("The streaming service will raise the price of its standard plan by 2 dollars per month starting next month. A new "
     "cheaper plan with advertisements will also be introduced. Existing subscribers will be notified by email.",
     "The streaming service is raising its standard plan by 2 dollars a month from next month and adding a cheaper ad-supported plan; subscribers will get an email.",
     "Standard subscriptions go up $2 a month next month, an ad-supported budget tier is coming, and current customers will be emailed.",
     "The streaming service is changing prices.",
     "The streaming service is cutting prices and removing all advertisements."),
    ("A new study suggests that reading to young children for 15 minutes a day improves their vocabulary by the time they "
     "start school. The effect was strongest when parents asked questions about the story. The researchers followed "
     "1,100 families for four years.",
     "A four-year study of 1,100 families found that reading to young children 15 minutes a day boosts vocabulary by school age, especially when parents ask questions.",
     "Daily 15-minute reading sessions improved young children's vocabulary in a four-year, 1,100-family study, most when parents discussed the story.",
     "Reading to children is helpful.",
     "The study found that screen time improves children's vocabulary more than reading."),
    ("The city's new recycling rules take effect on 1 January. Glass must now be separated from other recyclables, and "
     "food waste will be collected weekly in green bins. Households that do not follow the rules may receive a warning "
     "and then a fine.",
     "From 1 January, the city requires separating glass and putting food waste in weekly-collected green bins, with warnings and then fines for non-compliance.",
     "New rules from January 1: glass goes separately, food scraps go in green bins collected weekly, and rule-breakers get a warning then a fine.",
     "There are new recycling rules.",
     "The city will stop collecting recycling from 1 January."),
    ("An independent bookstore that has operated for 60 years announced it will close in December. The owners cited "
     "rising rent and competition from online retailers. Regular customers have started a campaign to find a new "
     "owner.",
     "A 60-year-old independent bookstore will close in December because of rising rent and online competition, and regulars are seeking a new owner.",
     "Citing rent and online rivals, a bookstore open for 60 years will shut in December while loyal customers try to find a buyer.",
     "A bookstore is closing.",
     "A new bookstore is opening in December thanks to lower rents."),
    ("Astronomers have detected water vapor in the atmosphere of a planet about 120 light-years from Earth. The planet is "
     "larger than Earth and orbits in its star's habitable zone. Scientists stress that this does not mean life exists "
     "there.",
     "Astronomers detected water vapor on a larger-than-Earth planet 120 light-years away in its star's habitable zone, but stress this does not imply life.",
     "Water vapor was found in the atmosphere of a habitable-zone exoplanet 120 light-years away, though scientists say it is no evidence of life.",
     "Astronomers found water vapor on a planet.",
     "Astronomers confirmed that life exists on a planet 120 light-years away."),
    ("The hospital has opened a new emergency department that can treat 40 percent more patients. Waiting times during "
     "the first month fell from an average of four hours to two and a half hours. The hospital is still hiring nurses to "
     "staff the night shifts.",
     "The hospital's new emergency department handles 40 percent more patients and cut average waits from four to two and a half hours in its first month, while night-shift nurses are still being hired.",
     "A bigger emergency department reduced average waits from 4 to 2.5 hours in its first month; the hospital is still recruiting night nurses.",
     "The hospital opened a new emergency department.",
     "Waiting times in the emergency department doubled after the hospital cut staff."),
    ("Farmers in the valley are switching from corn to sunflowers because sunflowers need less water. Local agricultural "
     "officials expect the area planted with sunflowers to double this year. A new processing plant for sunflower oil "
     "will open in the autumn.",
     "Valley farmers are replacing corn with less thirsty sunflowers, whose planted area is expected to double this year, and a sunflower oil plant opens in autumn.",
     "Because sunflowers use less water than corn, farmers are switching, sunflower acreage should double, and an oil processing plant opens this autumn.",
     "Farmers are planting sunflowers.",
     "Farmers are abandoning sunflowers for corn because corn needs less water."),
    ("The train operator will run a new night service between the two capitals three times a week from October. The "
     "journey will take 11 hours and include sleeper cabins and a dining car. Tickets go on sale next Monday.",
     "From October, a new thrice-weekly 11-hour night train with sleepers and a dining car will link the two capitals; tickets go on sale next Monday.",
     "A night train with sleeper cabins and dining car will connect the capitals three times a week from October, taking 11 hours; sales start Monday.",
     "There will be a new night train.",
     "The night train between the capitals will be discontinued in October."),
    ("A charity run organized by volunteers raised 58,000 dollars for the children's hospital. More than 900 people took "
     "part, including a group of firefighters who ran in full gear. The organizers plan to make it an annual event.",
     "A volunteer-run charity race with over 900 participants, including firefighters in full gear, raised 58,000 dollars for the children's hospital and will become annual.",
     "More than 900 runners raised $58,000 for the children's hospital, with firefighters running in full gear, and organizers want to repeat it every year.",
     "A charity run raised money.",
     "A charity run was cancelled because too few people signed up."),
]

SUMMARY_PROMPTS = [
    "Summarize the following text in one sentence:\n\n{t}",
    "Write a one-sentence summary of this passage.\n\n{t}",
    "TL;DR:\n{t}",
    "Give a brief summary of the text below.\n\"\"\"\n{t}\n\"\"\"",
]


def gen_summary(rng, outcome):
    text, ref, alt, partial, wrong = rng.choice(PASSAGES)
    prompt = rng.choice(SUMMARY_PROMPTS).format(t=text)
    if outcome == "correct":
        resp = rng.choice([ref, alt, alt, "Summary: " + alt])
    elif outcome == "verbose":
        resp = "%s Here is a summary of the passage. %s In other words: %s %s" % (
            rng.choice(OPENERS), ref, low_first(alt), rng.choice(CLOSERS))
    elif outcome == "partial":
        resp = rng.choice([partial, partial + " " + rng.choice(["That is the main point.", "More details are in the text."]),
                           text.split(". ")[0] + "."])
    elif outcome == "wrong":
        resp = wrong
    else:
        resp = rng.choice(OFF_TOPIC)
    return prompt, resp, ref


# --------------------------------------------------------------------------------------------
# Translation
# --------------------------------------------------------------------------------------------

# English, Spanish, French, German
PHRASES = [
    ("Good morning", "Buenos días", "Bonjour", "Guten Morgen"),
    ("Good night", "Buenas noches", "Bonne nuit", "Gute Nacht"),
    ("Thank you very much", "Muchas gracias", "Merci beaucoup", "Vielen Dank"),
    ("Where is the train station?", "¿Dónde está la estación de tren?", "Où est la gare ?", "Wo ist der Bahnhof?"),
    ("How much does this cost?", "¿Cuánto cuesta esto?", "Combien ça coûte ?", "Wie viel kostet das?"),
    ("I don't understand", "No entiendo", "Je ne comprends pas", "Ich verstehe nicht"),
    ("Do you speak English?", "¿Habla inglés?", "Parlez-vous anglais ?", "Sprechen Sie Englisch?"),
    ("My name is Anna", "Me llamo Anna", "Je m'appelle Anna", "Ich heiße Anna"),
    ("See you tomorrow", "Hasta mañana", "À demain", "Bis morgen"),
    ("Excuse me", "Disculpe", "Excusez-moi", "Entschuldigung"),
    ("The bill, please", "La cuenta, por favor", "L'addition, s'il vous plaît", "Die Rechnung, bitte"),
    ("I am hungry", "Tengo hambre", "J'ai faim", "Ich habe Hunger"),
    ("What time is it?", "¿Qué hora es?", "Quelle heure est-il ?", "Wie spät ist es?"),
    ("Happy birthday", "Feliz cumpleaños", "Joyeux anniversaire", "Alles Gute zum Geburtstag"),
    ("Where is the bathroom?", "¿Dónde está el baño?", "Où sont les toilettes ?", "Wo ist die Toilette?"),
    ("I would like a coffee", "Me gustaría un café", "Je voudrais un café", "Ich hätte gern einen Kaffee"),
    ("How are you?", "¿Cómo estás?", "Comment ça va ?", "Wie geht es dir?"),
    ("The weather is nice today", "Hoy hace buen tiempo", "Il fait beau aujourd'hui", "Heute ist schönes Wetter"),
    ("I need help", "Necesito ayuda", "J'ai besoin d'aide", "Ich brauche Hilfe"),
    ("Please speak more slowly", "Por favor, hable más despacio", "Parlez plus lentement, s'il vous plaît",
     "Bitte sprechen Sie langsamer"),
    ("The book is on the table", "El libro está en la mesa", "Le livre est sur la table", "Das Buch liegt auf dem Tisch"),
    ("I live in London", "Vivo en Londres", "J'habite à Londres", "Ich wohne in London"),
    ("Good luck", "Buena suerte", "Bonne chance", "Viel Glück"),
    ("Welcome", "Bienvenido", "Bienvenue", "Willkommen"),
    ("The cat is black", "El gato es negro", "Le chat est noir", "Die Katze ist schwarz"),
    ("I don't know", "No sé", "Je ne sais pas", "Ich weiß nicht"),
    ("Where do you live?", "¿Dónde vives?", "Où habites-tu ?", "Wo wohnst du?"),
    ("It is very expensive", "Es muy caro", "C'est très cher", "Das ist sehr teuer"),
    ("I like reading books", "Me gusta leer libros", "J'aime lire des livres", "Ich lese gern Bücher"),
    ("The museum opens at nine", "El museo abre a las nueve", "Le musée ouvre à neuf heures", "Das Museum öffnet um neun Uhr"),
    ("Can I pay by card?", "¿Puedo pagar con tarjeta?", "Puis-je payer par carte ?", "Kann ich mit Karte bezahlen?"),
    ("We are tired", "Estamos cansados", "Nous sommes fatigués", "Wir sind müde"),
    ("Water, please", "Agua, por favor", "De l'eau, s'il vous plaît", "Wasser, bitte"),
    ("I'm sorry", "Lo siento", "Je suis désolé", "Es tut mir leid"),
    ("Have a nice day", "Que tenga un buen día", "Bonne journée", "Einen schönen Tag noch"),
    ("The train is late", "El tren llega tarde", "Le train est en retard", "Der Zug hat Verspätung"),
    ("My phone is broken", "Mi teléfono está roto", "Mon téléphone est cassé", "Mein Handy ist kaputt"),
    ("How old are you?", "¿Cuántos años tienes?", "Quel âge as-tu ?", "Wie alt bist du?"),
    ("I am from Canada", "Soy de Canadá", "Je viens du Canada", "Ich komme aus Kanada"),
    ("Goodbye", "Adiós", "Au revoir", "Auf Wiedersehen"),
    ("The door is open", "La puerta está abierta", "La porte est ouverte", "Die Tür ist offen"),
    ("I have two brothers", "Tengo dos hermanos", "J'ai deux frères", "Ich habe zwei Brüder"),
    ("The children are playing in the park", "Los niños están jugando en el parque", "Les enfants jouent dans le parc",
     "Die Kinder spielen im Park"),
    ("Is this seat free?", "¿Está libre este asiento?", "Cette place est-elle libre ?", "Ist dieser Platz frei?"),
    ("I am learning Spanish", "Estoy aprendiendo español", "J'apprends l'espagnol", "Ich lerne Spanisch"),
]
LANGS = ["Spanish", "French", "German"]

TRANSLATION_PROMPTS = [
    "Translate to {lang}: \"{en}\"",
    "How do you say \"{en}\" in {lang}?",
    "Translate the following English phrase into {lang}: {en}",
    "English: {en}\n{lang}:",
    "Please translate \"{en}\" into {lang}.",
]


def gen_translation(rng, outcome):
    row = rng.choice(PHRASES)
    li = rng.randrange(3)
    en, target, lang = row[0], row[1 + li], LANGS[li]
    prompt = rng.choice(TRANSLATION_PROMPTS).format(lang=lang, en=en)
    if outcome == "correct":
        resp = rng.choice(["{t}", "\"{t}\"", "{lang}: {t}", "{t}"]).format(t=target, lang=lang)
    elif outcome == "verbose":
        resp = "%s In %s, \"%s\" is \"%s\". %s %s" % (
            rng.choice(OPENERS), lang, en, target,
            rng.choice(["This is the most common way to say it.", "It works in both formal and informal situations.",
                        "Native speakers use this phrase every day."]), rng.choice(CLOSERS))
    elif outcome == "partial":
        plain = strip_accents(target)
        words = target.split()
        if plain != target and rng.random() < 0.6:
            resp = plain                                      # right words, accents missing
        elif len(words) > 2:
            resp = " ".join(words[:-1])                       # truncated output
        else:
            resp = "%s (I'm not sure about the spelling)" % plain
    elif outcome == "wrong":
        others = [row[1 + j] for j in range(3) if j != li]
        if rng.random() < 0.6:
            resp = rng.choice(others)                         # answered in the wrong language
        else:
            other = rng.choice([p for p in PHRASES if p is not row])
            resp = other[1 + li]                              # translated a different phrase
    else:
        resp = rng.choice(OFF_TOPIC)
    return prompt, resp, target


# --------------------------------------------------------------------------------------------
# Code: "what does this snippet print?"
# --------------------------------------------------------------------------------------------

WORDS = ["banana", "python", "lemon", "orange", "rocket", "planet", "coffee", "window", "garden", "silver", "matrix",
         "puzzle"]
SENTENCES = ["the quick brown fox jumps", "large language models predict tokens", "we test every plugin twice",
             "hello wasm world from java", "keep calm and write tests", "data flows through the pipeline"]


def run_python(code):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(code, {})
    return buf.getvalue().rstrip("\n")


def py_snippet(rng):
    """Return (code, wrong output, near-miss output, explanation); the correct output is computed by running it."""
    k = rng.randrange(20)
    if k == 0:
        a, b, c = rng.randint(2, 9), rng.randint(2, 9), rng.randint(2, 9)
        return "print(%d + %d * %d)" % (a, b, c), str((a + b) * c), None, "Multiplication binds tighter than addition."
    if k == 1:
        a, b = rng.randint(17, 99), rng.randint(3, 9)
        return "print(%d // %d, %d %% %d)" % (a, b, a, b), "%s %d" % (fmt_num(a / b), a % b), "%d, %d" % (a // b, a % b), \
            "// is floor division and % is the remainder."
    if k == 2:
        xs = [rng.randint(1, 20) for _ in range(rng.randint(3, 7))]
        return "items = %r\nprint(len(items))" % xs, str(len(xs) - 1), None, "len counts the elements."
    if k == 3:
        w = rng.choice(WORDS)
        return "print(\"%s\"[::-1])" % w, w, "\"%s\"" % w[::-1], "A slice with step -1 reverses the string."
    if k == 4:
        w = rng.choice(WORDS)
        return "word = \"%s\"\nprint(word.upper())" % w, w.capitalize(), w.upper().lower(), "upper() converts every letter."
    if k == 5:
        s = rng.choice(SENTENCES); i = rng.randint(0, 3)
        return "s = \"%s\"\nprint(s.split()[%d])" % (s, i), s.split()[i + 1], None, "Indexing starts at 0."
    if k == 6:
        a, b, c = rng.randint(0, 3), rng.randint(6, 12), rng.choice([1, 2, 3])
        return "print(list(range(%d, %d, %d)))" % (a, b, c), str(list(range(a, b, c)) + [b]), \
            " ".join(str(x) for x in range(a, b, c)), "range stops before the end value."
    if k == 7:
        keys = rng.sample(["a", "b", "c", "d", "e"], 3)
        d = {key: rng.randint(1, 9) for key in keys}
        q = rng.choice(keys + ["z"])
        return "d = %r\nprint(d.get(%r, 0))" % (d, q), "None" if q == "z" else "KeyError", None, \
            "get returns the default when the key is missing."
    if k == 8:
        n = rng.randint(3, 6)
        return "print([x * x for x in range(%d)])" % n, str([x * x for x in range(1, n + 1)]), \
            " ".join(str(x * x) for x in range(n)), "range starts at 0."
    if k == 9:
        a, b = rng.randint(3, 6), rng.randint(2, 4)
        return "print(%d ** %d)" % (a, b), str(a * b), None, "** is exponentiation."
    if k == 10:
        v = rng.choice(["0", "\"\"", "[]", "\"0\"", "[0]", "None", "\" \""])
        return "print(bool(%s))" % v, "True" if eval(v, {}) in (0, "", [], None) else "False", None, \
            "Empty containers, 0 and None are falsy; everything else is truthy."
    if k == 11:
        a, b, c = rng.randint(1, 9), rng.randint(1, 9), rng.randint(2, 4)
        return "x = %d\nx += %d\nx *= %d\nprint(x)" % (a, b, c), str(a + b * c), None, "The statements run in order."
    if k == 12:
        xs = rng.sample(range(1, 30), 5)
        return "print(sorted(%r))" % xs, str(sorted(xs, reverse=True)), " ".join(map(str, sorted(xs))), \
            "sorted returns a new list in ascending order."
    if k == 13:
        xs = [rng.randint(1, 50) for _ in range(5)]
        return "nums = %r\nprint(max(nums) - min(nums))" % xs, str(max(xs) + min(xs)), None, "max minus min is the range."
    if k == 14:
        w, n = rng.choice(["ab", "ha", "xo", "na"]), rng.randint(2, 4)
        return "print(\"%s\" * %d)" % (w, n), w + str(n), " ".join([w] * n), "Multiplying a string repeats it."
    if k == 15:
        xs = [rng.randint(1, 5) for _ in range(7)]
        return "print(len(set(%r)))" % xs, str(len(xs)), None, "A set keeps only unique values."
    if k == 16:
        n = rng.randint(5, 10)
        return "def f(n):\n    return n if n < 2 else f(n - 1) + f(n - 2)\n\nprint(f(%d))" % n, str(n * 2), None, \
            "f computes the n-th Fibonacci number."
    if k == 17:
        a, b = rng.choice([(5, 2), (7, 2), (9, 4), (10, 4), (3, 2), (1, 8), (6, 3), (8, 2)])
        wrong = str(a // b) if a % b else "%d.5" % (a // b)
        near = str(a // b) if a % b == 0 else None          # right value, missing ".0"
        return "print(%d / %d)" % (a, b), wrong, near, "/ always returns a float in Python 3."
    if k == 18:
        parts = rng.sample(WORDS, 3); sep = rng.choice(["-", ", ", "/", ""])
        return "print(%r.join(%r))" % (sep, parts), " ".join(parts), str(parts), "join puts the separator between items."
    a = [rng.randint(1, 5) for _ in range(3)]; x = rng.randint(6, 9)
    return "a = %r\nb = a\nb.append(%d)\nprint(a)" % (a, x), str(a), None, "b and a refer to the same list."


# Fixed snippets in other languages: (language, code, output, wrong, explanation)
OTHER_SNIPPETS = [
    ("javascript", "console.log(0.1 + 0.2);", "0.30000000000000004", "0.3", "Floating-point numbers cannot represent 0.1 exactly."),
    ("javascript", "console.log(typeof null);", "object", "null", "This is a long-standing quirk of JavaScript."),
    ("javascript", "console.log(\"5\" + 3);", "53", "8", "+ with a string concatenates."),
    ("javascript", "console.log(\"5\" - 3);", "2", "53", "- converts the string to a number."),
    ("javascript", "console.log([10, 1, 2].sort().join(\",\"));", "1,10,2", "1,2,10", "The default sort compares strings."),
    ("javascript", "console.log(1 + \"1\" - 1);", "10", "1", "\"11\" - 1 is 10."),
    ("javascript", "console.log([1, 2, 3].map(x => x * 2).join(\" \"));", "2 4 6", "1 2 3", "map doubles each element."),
    ("javascript", "let s = \"abc\";\nconsole.log(s.length);", "3", "2", None),
    ("javascript", "console.log(Math.max());", "-Infinity", "0", "Math.max with no arguments returns -Infinity."),
    ("c", "#include <stdio.h>\nint main(void) {\n    printf(\"%d\\n\", 7 / 2);\n    return 0;\n}", "3", "3.5",
     "Integer division truncates."),
    ("c", "#include <stdio.h>\nint main(void) {\n    int x = 5;\n    printf(\"%d\\n\", x++ + 1);\n    return 0;\n}", "6", "7",
     "x++ yields the old value."),
    ("c", "#include <stdio.h>\nint main(void) {\n    printf(\"%d\\n\", 17 % 5);\n    return 0;\n}", "2", "3", None),
    ("c", "#include <stdio.h>\nint main(void) {\n    for (int i = 0; i < 3; i++) printf(\"%d\", i);\n    return 0;\n}", "012",
     "123", "The loop prints 0, 1 and 2 without separators."),
    ("java", "System.out.println(10 / 4);", "2", "2.5", "Both operands are ints."),
    ("java", "System.out.println(\"a\" + 1 + 2);", "a12", "a3", "Evaluation is left to right, so both numbers are concatenated."),
    ("java", "System.out.println(1 + 2 + \"a\");", "3a", "12a", "1 + 2 is added first."),
    ("java", "String s = \"hello\";\nSystem.out.println(s.charAt(1));", "e", "h", "Indexes start at 0."),
]

CODE_PROMPTS = [
    "What does this {lang} code print?\n\n```{tag}\n{code}\n```",
    "What is the output of the following {lang} snippet?\n{code}",
    "Predict the output:\n```{tag}\n{code}\n```",
    "Run this {lang} code in your head. What gets printed?\n\n{code}",
]


def gen_code(rng, outcome):
    if rng.random() < 0.8:
        code, wrong, near, why = py_snippet(rng)
        out = run_python(code)
        lang, tag = "Python", "python"
    else:
        tag, code, out, wrong, why = rng.choice(OTHER_SNIPPETS)
        lang = {"javascript": "JavaScript", "c": "C", "java": "Java"}[tag]
        near = None
    prompt = rng.choice(CODE_PROMPTS).format(lang=lang, tag=tag, code=code)
    shown = out
    if outcome == "correct":
        resp = rng.choice(["{o}", "It prints {o}", "Output: {o}", "The code prints `{o}`."]).format(o=shown)
    elif outcome == "verbose":
        resp = "%s Let's trace through the code. %s So the program prints:\n%s\n%s" % (
            rng.choice(OPENERS), why or "Each line runs in order.", shown, rng.choice(CLOSERS))
    elif outcome == "partial":
        resp = near if near else hedge_pair(rng, shown, wrong)
    elif outcome == "wrong":
        resp = rng.choice(["{w}", "It prints {w}", "Output: {w}"]).format(w=wrong)
    else:
        resp = rng.choice(OFF_TOPIC)
    return prompt, resp, out


# --------------------------------------------------------------------------------------------
# Sentiment classification
# --------------------------------------------------------------------------------------------

REVIEWS = [
    ("Absolutely love this blender. It crushes ice in seconds and is easy to clean.", "positive"),
    ("The hotel staff were rude and our room smelled of smoke. Never again.", "negative"),
    ("The package arrived on Thursday. It contained the book I ordered.", "neutral"),
    ("Best pizza in town, hands down. The crust is perfect.", "positive"),
    ("I waited 45 minutes on hold and then the call dropped.", "negative"),
    ("The app does what it says. Nothing more, nothing less.", "neutral"),
    ("My kids can't stop playing with this game. Worth every penny!", "positive"),
    ("The screen cracked after two days of normal use. Very disappointed.", "negative"),
    ("The meeting has been moved to 3 pm on Friday.", "neutral"),
    ("What a fantastic concert! The band played for almost three hours.", "positive"),
    ("The shoes look nice but they gave me blisters after one walk.", "negative"),
    ("This laptop has 16 GB of memory and a 512 GB SSD.", "neutral"),
    ("The tour guide was funny, knowledgeable and very patient with our questions.", "positive"),
    ("The soup was cold and the waiter forgot our drinks twice.", "negative"),
    ("I bought this for my office. It is the same model my colleague has.", "neutral"),
    ("Setup took five minutes and the sound quality blew me away.", "positive"),
    ("Total waste of money. It stopped charging after a week.", "negative"),
    ("The course has twelve lessons and each one takes about an hour.", "neutral"),
    ("Our flight was delayed six hours and nobody told us why.", "negative"),
    ("I'm so happy with my new bike; riding to work is fun again.", "positive"),
    ("The instructions were confusing and two screws were missing.", "negative"),
    ("It's a standard USB cable. It connects my phone to the charger.", "neutral"),
    ("Friendly staff, clean rooms and a great breakfast. Highly recommended.", "positive"),
    ("The movie dragged on forever and the ending made no sense.", "negative"),
    ("The store opens at 9 am and closes at 6 pm on weekdays.", "neutral"),
    ("This is the most comfortable chair I have ever owned.", "positive"),
    ("Customer support never replied to my three emails.", "negative"),
    ("The jacket is blue and comes in sizes S to XL.", "neutral"),
    ("Incredible value for the price. I'd buy it again tomorrow.", "positive"),
    ("The update deleted all my saved settings. Frustrating.", "negative"),
    ("Delivery was on time, the product works, and the price was fair.", "positive"),
    ("Not bad, not great. It's an average coffee shop.", "neutral"),
    ("Oh great, another update that makes the app slower. Just what I needed.", "negative"),
    ("The noise cancelling is decent, though the battery could be better.", "neutral"),
    ("I was skeptical at first, but this vacuum is a game changer.", "positive"),
    ("The restaurant was closed when we arrived, even though the website said it was open.", "negative"),
]

# Composed reviews: "The <product> <phrase>." Phrases are either generic or specific to a product group.
PRODUCT_GROUPS = {
    "electronics": ["noise-cancelling headset", "smartwatch", "gaming mouse", "e-reader", "printer", "bluetooth speaker",
                    "robot vacuum"],
    "home": ["coffee maker", "electric kettle", "air fryer", "desk lamp", "mattress", "sofa", "blender"],
    "gear": ["sleeping bag", "backpack", "rain jacket", "yoga mat", "tent", "phone case", "winter coat"],
    "service": ["hotel room", "streaming service", "online course", "car rental", "guided tour", "food delivery app",
                "gym membership"],
}
PHRASES_GENERIC = {
    "positive": ["exceeded all my expectations", "is worth every penny", "is exactly what I was looking for",
                 "was a pleasant surprise"],
    "negative": ["was a complete waste of money", "is far too expensive for what you get",
                 "made me regret not reading the reviews first", "was a big disappointment"],
    "neutral": ["is about what you'd expect for the price", "is fine, I suppose", "was recommended by a friend"],
}
PHRASES_BY_GROUP = {
    "electronics": {
        "positive": ["works perfectly and the battery lasts for days", "was easy to set up and a joy to use",
                     "connects instantly every single time"],
        "negative": ["keeps disconnecting every few minutes", "stopped working the day after the warranty ended",
                     "never worked properly"],
        "neutral": ["uses a standard USB-C charger", "comes in black and grey", "is the same model as last year's"],
    },
    "home": {
        "positive": ["made my mornings easier", "is beautifully designed and very sturdy",
                     "is so much better than my old one"],
        "negative": ["is noisy and feels cheap", "broke after two weeks",
                     "arrived damaged and the seller ignored my complaint"],
        "neutral": ["was delivered in a cardboard box", "has a one-year warranty", "comes in three colors"],
    },
    "gear": {
        "positive": ["has held up perfectly after three months of daily use", "gets compliments everywhere I go",
                     "fits perfectly"],
        "negative": ["is much smaller than it looks in the photos", "fell apart after two weeks",
                     "started leaking the first time it rained"],
        "neutral": ["is available in three sizes", "arrived on Tuesday as scheduled", "is made of polyester"],
    },
    "service": {
        "positive": ["was smooth from start to finish", "had the friendliest staff I've met in years",
                     "was well organized and great value"],
        "negative": ["charged me twice and support never replied", "was nothing like the description",
                     "was cancelled at the last minute"],
        "neutral": ["costs the same as last year", "is available in most cities", "can be booked online"],
    },
}
POS_TAIL = ["Highly recommend!", "Five stars.", "Would buy again.", "Love it.", ""]
NEG_TAIL = ["Avoid.", "One star.", "I'm returning it.", "Very disappointed.", ""]
NEU_TAIL = ["I haven't used it much yet.", "It does the job.", "No strong feelings either way.", ""]

SENTIMENT_PROMPTS = [
    "Classify the sentiment of the following review as positive, negative, or neutral.\n\nReview: \"{r}\"",
    "Is the sentiment of this text positive, negative or neutral?\n\"{r}\"",
    "Sentiment (positive/negative/neutral): {r}",
    "Read the customer review and answer with one word: positive, negative or neutral.\n\n{r}",
]


def review(rng):
    if rng.random() < 0.4:
        return rng.choice(REVIEWS)
    label = rng.choice(["positive", "negative", "neutral"])
    group = rng.choice(list(PRODUCT_GROUPS))
    pool = PHRASES_BY_GROUP[group][label] + PHRASES_GENERIC[label]
    tail = {"positive": POS_TAIL, "negative": NEG_TAIL, "neutral": NEU_TAIL}[label]
    text = "The %s %s." % (rng.choice(PRODUCT_GROUPS[group]), rng.choice(pool))
    t = rng.choice(tail)
    if t:
        text += " " + t
    return text, label


def gen_sentiment(rng, outcome):
    text, label = review(rng)
    prompt = rng.choice(SENTIMENT_PROMPTS).format(r=text)
    others = [x for x in ["positive", "negative", "neutral"] if x != label]
    if outcome == "correct":
        resp = rng.choice(["{l}", "{L}", "Sentiment: {l}", "{L}."]).format(l=label, L=cap_first(label))
    elif outcome == "verbose":
        reason = {"positive": "The reviewer sounds satisfied and uses approving language",
                  "negative": "The reviewer expresses frustration and dissatisfaction",
                  "neutral": "The text states facts without expressing a clear opinion"}[label]
        resp = "%s %s, so the sentiment is %s. %s" % (rng.choice(OPENERS), reason, label, rng.choice(CLOSERS))
    elif outcome == "partial":
        if label == "neutral":
            resp = rng.choice(["Mostly neutral, maybe slightly positive.", "Neutral or mixed."])
        else:
            resp = rng.choice(["Mixed, leaning %s." % label, "Mostly %s, but with some %s aspects." % (label, others[0]),
                               "Somewhat %s" % label])
    elif outcome == "wrong":
        w = rng.choice(others)
        resp = rng.choice(["{w}", "{W}", "The sentiment is {w}."]).format(w=w, W=cap_first(w))
    else:
        resp = rng.choice(OFF_TOPIC)
    return prompt, resp, label


# --------------------------------------------------------------------------------------------
# Customer support
# --------------------------------------------------------------------------------------------

SHOPS = ["ShopNow", "Northwind Outfitters", "HomeHaus", "GadgetHub", "Velo Sports"]
SERVICES = ["Brightline Telecom", "CloudNest", "StreamFlix", "FreshBox Meals", "TravelJoy", "Nimbus Bank"]
ITEMS = ["running jacket", "smart thermostat", "standing desk", "winter coat", "coffee grinder", "phone charger",
         "yoga mat", "backpack", "desk chair", "bluetooth speaker"]

# Each scenario: kind of company ("shop", "service" or "any"), customer message templates, good reply,
# partial reply, wrong reply.
SUPPORT = [
    ("shop", ["Hi, my order #{o} was supposed to arrive {d} and it still isn't here. Where is it?",
      "Order {o} is late. It was due {d}. What's going on?"],
     "I'm sorry your order #{o} is late. I've checked and it is on its way; you'll receive tracking details by email today, and if it hasn't arrived within 3 business days we'll send a replacement or refund you.",
     "Sorry about the delay with order #{o}. Deliveries are sometimes slow.",
     "Your order #{o} was delivered yesterday, so there is nothing we can do."),
    ("shop", ["I'd like a refund for the {i} I bought last week. It doesn't fit.",
      "Can I return the {i}? It's not what I expected and I want my money back."],
     "Of course. You can return the {i} within 30 days for a full refund. I've emailed you a prepaid return label; once we receive the item, the refund is issued within 5 business days.",
     "Yes, returns are possible. Please check our website for details.",
     "Unfortunately we don't accept returns on any items."),
    ("any", ["I forgot my password and can't log in. Help!", "The password reset email never arrives. What do I do?"],
     "No problem. Click \"Forgot password\" on the login page and enter your account email; the reset link arrives within a few minutes. If it doesn't, check your spam folder or reply here and I'll send it manually.",
     "You need to reset your password.",
     "We can't reset passwords, so you'll need to create a new account."),
    ("shop", ["The {i} arrived broken. The box was crushed.", "My {i} was damaged in shipping, order {o}."],
     "I'm really sorry the {i} arrived damaged. Please send us a photo of the item and packaging, and we'll ship a free replacement right away; you don't need to return the broken one.",
     "Sorry to hear that. Damage can happen during shipping.",
     "Shipping damage is the courier's responsibility, so please contact them instead."),
    ("service", ["I want to cancel my subscription. How do I do that?", "Please cancel my plan, I don't need it anymore."],
     "I can help with that. Go to Account > Subscription and choose \"Cancel plan\"; you'll keep access until the end of the current billing period and won't be charged again.",
     "You can cancel in your account settings.",
     "Subscriptions can only be cancelled by sending us a letter by post."),
    ("shop", ["I was charged twice for order #{o}!", "There are two identical charges on my card for the same order ({o})."],
     "I'm sorry about the double charge on order #{o}. I've confirmed the duplicate payment and issued a refund for it today; it should appear on your card within 3 to 5 business days.",
     "We'll look into the charges on order #{o}.",
     "Both charges are correct because we bill every order twice."),
    ("shop", ["Can I change the shipping address for order {o}? I just moved.",
      "I entered the wrong address for order #{o}. Can you fix it?"],
     "Yes. Order #{o} hasn't shipped yet, so I can update the address now. Please reply with the full new address and I'll confirm the change by email.",
     "Address changes are sometimes possible.",
     "Addresses can never be changed once an order is placed; please order again."),
    ("shop", ["The discount code SAVE{n} isn't working at checkout.", "Your promo code SAVE{n} says invalid. Why?"],
     "Sorry for the trouble. The code SAVE{n} applies only to full-price items and expired on Sunday; I've added a {n}% credit to your account that you can use on your next order.",
     "Promo codes have conditions. Please try again.",
     "The code works fine, you must be typing it wrong."),
    ("any", ["My account is locked after too many login attempts.", "I'm locked out of my account. Please help."],
     "For your security, the account locks for 30 minutes after five failed attempts. After that you can log in again, or use \"Forgot password\" to reset it immediately.",
     "Your account is locked for security reasons.",
     "Locked accounts are deleted permanently, so please create a new one."),
    ("shop", ["My order #{o} arrived but the {i} is missing from the box.", "I only received part of order {o}; the {i} wasn't included."],
     "I'm sorry the {i} was missing from order #{o}. I've sent it out today with express shipping at no extra cost, and you'll get the tracking number by email.",
     "Sorry about that. Items sometimes ship separately.",
     "Our records show the {i} was included, so we can't help."),
    ("any", ["How do I update my credit card details?", "My card expired. Where do I put the new one?"],
     "You can update your card under Account > Payment methods: choose \"Add card\", enter the new details and set it as default. Your next payment will use the new card.",
     "You can change payment details in your account.",
     "Please email us your full card number and we'll update it for you."),
    ("any", ["The app crashes every time I open it.", "Your app keeps closing right after the start screen."],
     "Sorry about that. Please update the app to the latest version and restart your phone; if it still crashes, reply with your phone model and OS version so our team can investigate.",
     "We're aware that the app can be unstable.",
     "The app doesn't crash; the problem must be your phone."),
    ("shop", ["I need an invoice for order #{o} for my company.", "Can you send me a VAT invoice for order {o}?"],
     "Certainly. I've emailed the invoice for order #{o} to the address on your account; you can also download it anytime from Orders > Invoices.",
     "Invoices are available.",
     "We don't issue invoices for online orders."),
    ("shop", ["My {i} stopped working after {m} months. Is it under warranty?",
      "The {i} I bought {m} months ago is broken. Warranty?"],
     "Yes, the {i} has a 2-year warranty, so it's covered. I've opened a warranty claim and emailed you a free return label; we'll repair or replace it within 10 business days.",
     "It might be covered by the warranty.",
     "The warranty only covers the first 30 days, so it's no longer covered."),
]

SUPPORT_PROMPTS = [
    "You are a helpful customer support agent for {c}. Reply to the customer:\n\n\"{m}\"",
    "Customer message to {c} support: \"{m}\"\nWrite a reply.",
    "Act as a {c} support representative and respond politely.\nCustomer: {m}",
]

DAYS = ["yesterday", "on Monday", "last Friday", "two days ago", "on the 12th", "last week"]
RUDE = ["That's not our problem.", "Read the FAQ.", "We are very busy right now, try again later.",
        "Please stop contacting us about this."]


def gen_support(rng, outcome):
    kind, msgs, good, partial, wrong = rng.choice(SUPPORT)
    v = {"o": str(rng.randint(100000, 999999)), "d": rng.choice(DAYS), "i": rng.choice(ITEMS),
         "n": rng.choice([10, 15, 20, 25]), "m": rng.randint(4, 18)}
    company = rng.choice({"shop": SHOPS, "service": SERVICES, "any": SHOPS + SERVICES}[kind])
    msg = rng.choice(msgs).format(**v)
    prompt = rng.choice(SUPPORT_PROMPTS).format(c=company, m=msg)
    ref = good.format(**v)
    if outcome == "correct":
        resp = rng.choice(["", "", "Hi there! ", "Hello! "]) + ref
    elif outcome == "verbose":
        resp = "Hello and thank you for contacting %s support! We truly value you as a customer and appreciate your patience. %s %s Thank you again for choosing %s, and have a wonderful day!" % (
            company, ref, rng.choice(CLOSERS), company)
    elif outcome == "partial":
        resp = partial.format(**v)
    elif outcome == "wrong":
        resp = wrong.format(**v)
    else:
        resp = rng.choice(RUDE + OFF_TOPIC[:8])
    return prompt, resp, ref


# --------------------------------------------------------------------------------------------
# Definitions
# --------------------------------------------------------------------------------------------

# (term, field, definition)
TERMS = [
    ("large language model", "AI", "A neural network trained on large amounts of text to predict and generate language."),
    ("token", "AI", "A unit of text, such as a word or part of a word, that a language model processes."),
    ("prompt", "AI", "The input text given to a language model to guide its response."),
    ("hallucination", "AI", "When a language model produces confident output that is false or not supported by its input."),
    ("fine-tuning", "AI", "Further training a pre-trained model on a smaller, task-specific dataset."),
    ("embedding", "AI", "A vector of numbers that represents the meaning of a piece of data such as a word or sentence."),
    ("overfitting", "AI", "When a model learns the training data too closely and performs poorly on new data."),
    ("temperature", "AI", "A sampling setting that controls how random a language model's output is."),
    ("context window", "AI", "The maximum amount of text a language model can consider at once."),
    ("benchmark", "AI", "A standard set of tasks used to measure and compare the performance of models."),
    ("precision", "AI", "The fraction of predicted positive results that are actually positive."),
    ("recall", "AI", "The fraction of actual positive cases that a model correctly identifies."),
    ("compiler", "computing", "A program that translates source code into another form, such as machine code, before it runs."),
    ("interpreter", "computing", "A program that executes source code directly, statement by statement."),
    ("API", "computing", "A defined set of rules that lets one piece of software communicate with another."),
    ("algorithm", "computing", "A finite sequence of well-defined steps for solving a problem."),
    ("recursion", "computing", "A technique in which a function calls itself to solve smaller instances of a problem."),
    ("cache", "computing", "A small, fast storage layer that keeps copies of frequently used data."),
    ("sandbox", "computing", "An isolated environment that runs untrusted code without letting it affect the rest of the system."),
    ("WebAssembly", "computing", "A portable binary instruction format designed to run code safely and efficiently in many environments."),
    ("garbage collection", "computing", "Automatic reclamation of memory that a program no longer uses."),
    ("hash function", "computing", "A function that maps data of any size to a fixed-size value."),
    ("deadlock", "computing", "A situation in which two or more processes wait for each other forever."),
    ("encryption", "computing", "The process of encoding data so that only authorized parties can read it."),
    ("bandwidth", "computing", "The maximum rate at which data can be transferred over a connection."),
    ("latency", "computing", "The delay between a request and the start of its response."),
    ("open source", "computing", "Software whose source code is publicly available for anyone to use, modify and share."),
    ("version control", "computing", "A system that records changes to files over time so earlier versions can be recalled."),
    ("unit test", "computing", "An automated test that checks a small, isolated piece of code."),
    ("photosynthesis", "biology", "The process by which plants use sunlight, water and carbon dioxide to make glucose and oxygen."),
    ("osmosis", "biology", "The movement of water across a semi-permeable membrane from lower to higher solute concentration."),
    ("ecosystem", "biology", "A community of living organisms interacting with each other and their physical environment."),
    ("mutation", "biology", "A change in the DNA sequence of an organism."),
    ("vaccine", "biology", "A preparation that trains the immune system to recognize and fight a specific disease."),
    ("enzyme", "biology", "A protein that speeds up a chemical reaction in a living organism."),
    ("gravity", "physics", "The force by which objects with mass attract one another."),
    ("inertia", "physics", "The tendency of an object to resist changes to its state of motion."),
    ("velocity", "physics", "The speed of an object in a particular direction."),
    ("friction", "physics", "A force that resists the relative motion of surfaces in contact."),
    ("atom", "chemistry", "The smallest unit of a chemical element, made of protons, neutrons and electrons."),
    ("catalyst", "chemistry", "A substance that speeds up a chemical reaction without being consumed by it."),
    ("isotope", "chemistry", "A form of an element with the same number of protons but a different number of neutrons."),
    ("inflation", "economics", "A general increase in prices over time that reduces the purchasing power of money."),
    ("supply and demand", "economics", "An economic model in which prices are set by the balance between how much is offered and how much is wanted."),
    ("GDP", "economics", "The total value of goods and services produced in a country in a given period."),
    ("interest rate", "economics", "The percentage charged for borrowing money or paid for saving it."),
    ("opportunity cost", "economics", "The value of the next best alternative given up when making a choice."),
    ("monopoly", "economics", "A market in which a single company is the only supplier of a product or service."),
    ("democracy", "civics", "A system of government in which citizens hold power, usually by electing representatives."),
    ("metaphor", "language", "A figure of speech that describes something by saying it is something else."),
    ("synonym", "language", "A word that means the same or nearly the same as another word."),
    ("haiku", "language", "A short Japanese poem of three lines with five, seven and five syllables."),
    ("climate", "geography", "The average weather conditions in a region over a long period of time."),
    ("peninsula", "geography", "A piece of land surrounded by water on three sides."),
    ("erosion", "geography", "The gradual wearing away of rock or soil by wind, water or ice."),
    ("median", "mathematics", "The middle value of an ordered list of numbers."),
    ("prime number", "mathematics", "A whole number greater than 1 whose only divisors are 1 and itself."),
    ("probability", "mathematics", "A measure from 0 to 1 of how likely an event is to occur."),
    ("percentage", "mathematics", "A number expressed as a fraction of 100."),
]

DEF_PROMPTS = [
    "Define \"{t}\".",
    "What is {a} {t}?",
    "In one sentence, what does \"{t}\" mean?",
    "Explain the term {t} briefly.",
    "Give a short definition of {t}.",
]


ARTICLE_OVERRIDES = {"API": "an", "unit test": "a", "GDP": ""}


def article(term):
    if term in ARTICLE_OVERRIDES:
        return ARTICLE_OVERRIDES[term]
    if term in ("open source", "version control", "gravity", "inertia", "velocity", "friction",
                                   "photosynthesis", "osmosis", "inflation", "supply and demand", "recursion",
                                   "garbage collection", "encryption", "bandwidth", "latency", "democracy", "climate",
                                   "erosion", "probability", "fine-tuning", "overfitting", "temperature", "precision",
                                   "recall", "WebAssembly", "opportunity cost", "hallucination"):
        return ""
    return "an" if term[0].lower() in "aeiou" else "a"


def partial_definition(d):
    body = strip_period(d)
    for cut in [" that ", " which ", " to ", " such as ", ", "]:
        idx = body.find(cut)
        if idx > 12:
            return body[:idx] + "."
    return " ".join(body.split()[:4]) + "..."


def gen_definition(rng, outcome):
    term, field, d = rng.choice(TERMS)
    a = article(term)
    prompt = rng.choice(DEF_PROMPTS).format(t=term, a=a).replace("  ", " ")
    if outcome == "correct":
        resp = rng.choice(["{d}", "{T} is {dl}", "{T}: {dl}", "{d}"]).format(
            d=d, T=cap_first(("%s %s" % (a, term)).strip()), dl=low_first(d))
    elif outcome == "verbose":
        resp = "%s In %s, %s refers to %s %s %s" % (
            rng.choice(OPENERS), field, term, low_first(d),
            rng.choice(["It is a fundamental concept that comes up often.", "Understanding it helps with many related topics.",
                        "You will see the term in textbooks and technical articles alike."]), rng.choice(CLOSERS))
    elif outcome == "partial":
        resp = rng.choice([partial_definition(d), "It's a concept used in %s." % field,
                           "%s is something related to %s." % (cap_first(term), field)])
    elif outcome == "wrong":
        same = [t for t in TERMS if t[1] == field and t[0] != term] or [t for t in TERMS if t[0] != term]
        other = rng.choice(same)
        resp = rng.choice(["{d}", "{T} is {dl}"]).format(d=other[2], T=cap_first(term), dl=low_first(other[2]))
    else:
        resp = rng.choice(OFF_TOPIC)
    return prompt, resp, d


# --------------------------------------------------------------------------------------------

GENERATORS = {
    "factual_qa": gen_factual,
    "arithmetic": gen_arithmetic,
    "summarization": gen_summary,
    "translation": gen_translation,
    "code": gen_code,
    "sentiment": gen_sentiment,
    "customer_support": gen_support,
    "definition": gen_definition,
}


def pick_outcome(rng, category):
    mix = MIX.get(category, DEFAULT_MIX)
    names = list(mix)
    return rng.choices(names, weights=[mix[n] for n in names])[0]


def generate(seed=SEED):
    rng = random.Random(seed)
    records = []
    for category, count in COUNTS.items():
        for _ in range(count):
            outcome = pick_outcome(rng, category)
            prompt, response, expected = GENERATORS[category](rng, outcome)
            response = noisy(rng, response, allow_case=category != "code")
            if rng.random() < 0.04:
                prompt = prompt + rng.choice([" ", "\n", "  "])
            records.append({"category": category, "prompt": prompt, "response": response, "expected": expected})
    rng.shuffle(records)
    out = []
    for i, r in enumerate(records, 1):
        out.append({"id": "rec-%04d" % i, "category": r["category"], "prompt": r["prompt"],
                    "response": r["response"], "expected": r["expected"]})
    return out


FILLER = ("To give you the full picture, it is worth restating the question, considering the context in which it "
          "was asked, and walking through the reasoning step by step before settling on a final answer. ")


def candidate(records, seed=SEED + 1):
    """The same records as answered by a second model: the baseline/report example's candidate run."""
    rng = random.Random(seed)
    out = []
    numbers_left = 2
    for r in records:
        c = dict(r)
        x = rng.random()
        if x < 0.14:
            # fixed: the reference answer, sometimes in a sentence
            e = r["expected"]
            c["response"] = e if len(e) > 40 or rng.random() < 0.5 else "The answer is %s." % e
        elif x < 0.21:
            # regressed: off-topic
            c["response"] = rng.choice(OFF_TOPIC)
        elif x < 0.26:
            # padded: the same answer buried in filler (long texts cost the evaluators more fuel)
            c["response"] = "%s %s%s %s" % (rng.choice(OPENERS), FILLER * rng.choice([4, 6, 8]), r["response"].strip(),
                                            rng.choice(CLOSERS))
        if numbers_left and r["category"] == "arithmetic" and r["expected"].isdigit():
            c["expected"] = int(r["expected"])
            numbers_left -= 1
        out.append(c)
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-o", "--output")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--candidate", action="store_true",
                    help="write the second model's answers (default output: examples/data-candidate.jsonl)")
    args = ap.parse_args()
    if args.output is None:
        args.output = os.path.join(here, "data-candidate.jsonl" if args.candidate else "data.jsonl")
    records = generate(args.seed)
    if args.candidate:
        records = candidate(records, args.seed + 1)
    with open(args.output, "w", encoding="utf-8", newline="\n") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print("wrote %d records to %s" % (len(records), args.output))


if __name__ == "__main__":
    main()
