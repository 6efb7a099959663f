"""Names and proportions for the synthetic records of `hearth.people.seed`.

Proportions are rough figures for children looked after and for adults in the North West of England
(DfE "Children looked after in England", ONS Census 2021); they only need to look plausible.
"""

from typing import NamedTuple

CHILD_FIRST_NAMES = {
    "british": {
        "M": [
            "Oliver", "Jack", "Harry", "George", "Noah", "Charlie", "Jacob", "Alfie", "Freddie",
            "Oscar", "Leo", "Logan", "Archie", "Theo", "Thomas", "James", "Joshua", "Lucas",
            "Mason", "Ethan", "Riley", "Liam", "Kyle", "Tyler", "Callum", "Connor", "Jayden",
            "Reece", "Brandon", "Lewis", "Dylan", "Kai", "Ryan", "Ben", "Max", "Alex", "Tommy",
            "Jake", "Finley", "Louie",
        ],
        "F": [
            "Olivia", "Amelia", "Isla", "Ava", "Emily", "Sophie", "Grace", "Mia", "Poppy", "Ella",
            "Lily", "Evie", "Isabella", "Chloe", "Jessica", "Ruby", "Millie", "Freya", "Daisy",
            "Phoebe", "Holly", "Megan", "Lacey", "Paige", "Courtney", "Leah", "Kayleigh", "Jade",
            "Amber", "Summer", "Skye", "Layla", "Willow", "Harper", "Niamh", "Erin", "Caitlin",
            "Lola", "Maisie", "Scarlett",
        ],
    },
    "south_asian": {
        "M": [
            "Muhammad", "Ayaan", "Zayn", "Ibrahim", "Yusuf", "Ali", "Hamza", "Adam", "Rayyan",
            "Bilal", "Arjun", "Rohan", "Imran", "Zain",
        ],
        "F": [
            "Aisha", "Maryam", "Zara", "Hafsa", "Inaya", "Amina", "Fatima", "Safa", "Priya",
            "Anaya", "Noor", "Sana",
        ],
    },
    "african": {
        "M": [
            "Emmanuel", "Samuel", "David", "Daniel", "Joshua", "Abdi", "Mohamed", "Kwame", "Tobi",
            "Chidi", "Isaac", "Elijah",
        ],
        "F": [
            "Blessing", "Grace", "Favour", "Precious", "Amara", "Hodan", "Ayan", "Chioma", "Esther",
            "Joy", "Naomi", "Ruth",
        ],
    },
    "east_european": {
        "M": [
            "Jakub", "Kacper", "Filip", "Szymon", "Mateusz", "Andrei", "Ionut", "Alexandru", "Luca",
            "Denis", "Oskar", "Marek",
        ],
        "F": [
            "Zuzanna", "Julia", "Maja", "Oliwia", "Lena", "Maria", "Ioana", "Elena", "Andreea",
            "Natalia", "Wiktoria", "Alina",
        ],
    },
    "west_asian": {
        "M": [
            "Ahmad", "Mohammad", "Omar", "Mustafa", "Hassan", "Karwan", "Rebin", "Sami",
            "Abdullah", "Hamid", "Jawad", "Samir", "Reza", "Ali",
        ],
        "F": ["Hana", "Nour", "Rana", "Layla", "Sara", "Dalia", "Yasmin", "Shirin", "Zahra"],
    },
    "horn_of_africa": {
        "M": ["Yonas", "Dawit", "Bereket", "Filmon", "Abdi", "Mohamed", "Musa", "Semere"],
        "F": ["Meron", "Selam", "Helen", "Hodan", "Saba", "Ruta"],
    },
}  # fmt: skip

ADULT_FIRST_NAMES = {
    "british": {
        "M": [
            "David", "Paul", "Mark", "Andrew", "Michael", "Stephen", "Peter", "John", "Gary",
            "Darren", "Lee", "Craig", "Neil", "Ian", "Richard", "Simon", "Steven", "Christopher",
            "Anthony", "Martin", "Kevin", "Wayne", "Jason", "Daniel", "Matthew", "Robert", "Carl",
            "Shaun", "Graham", "Philip",
        ],
        "F": [
            "Susan", "Karen", "Julie", "Tracey", "Lisa", "Michelle", "Sarah", "Nicola", "Joanne",
            "Claire", "Helen", "Amanda", "Emma", "Rachel", "Kelly", "Dawn", "Angela", "Jane",
            "Gillian", "Deborah", "Donna", "Louise", "Natalie", "Victoria", "Samantha", "Lynn",
            "Carol", "Elaine", "Janet", "Christine",
        ],
    },
    "south_asian": {
        "M": ["Tariq", "Asif", "Imran", "Khalid", "Nadeem", "Shahid", "Rajesh", "Sanjay", "Zahid"],
        "F": ["Nasreen", "Shazia", "Farzana", "Rubina", "Samina", "Parveen", "Anita", "Sunita"],
    },
    "african": {
        "M": ["Emmanuel", "Kofi", "Olusegun", "Chinedu", "Ahmed", "Joseph", "Tendai", "Yaw"],
        "F": ["Abena", "Funmilayo", "Ngozi", "Fadumo", "Patience", "Comfort", "Mercy", "Rutendo"],
    },
    "east_european": {
        "M": ["Piotr", "Tomasz", "Krzysztof", "Marcin", "Adrian", "Mihai", "Florin", "Bogdan"],
        "F": ["Agnieszka", "Katarzyna", "Magdalena", "Anna", "Ewa", "Mihaela", "Gabriela", "Irina"],
    },
    "west_asian": {
        "M": ["Ahmed", "Karim", "Hussein", "Rebwar", "Nasir", "Walid", "Farhad", "Jamal"],
        "F": ["Fatima", "Leila", "Shirin", "Amal", "Zainab", "Mariam", "Nasrin", "Soraya"],
    },
}  # fmt: skip

SURNAMES = {
    "british": [
        "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson",
        "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood",
        "Jackson", "Clarke", "Hughes", "Edwards", "Turner", "Hill", "Moore", "Harrison", "Baxter",
        "Ashcroft", "Atherton", "Bamber", "Barlow", "Baybutt", "Berry", "Booth", "Bradshaw",
        "Brierley", "Caunce", "Cunliffe", "Dickinson", "Eccles", "Fairhurst", "Farrington",
        "Gaskell", "Grundy", "Hampson", "Hesketh", "Heyes", "Holcroft", "Hurst", "Leyland",
        "Lowe", "Makin", "Marsden", "Melling", "Molyneux", "Parr", "Pennington", "Prescott",
        "Rigby", "Seddon", "Sharples", "Shaw", "Southern", "Speakman", "Unsworth", "Walsh",
        "Whittle", "Winstanley", "Worthington", "Kelly", "Murphy", "O'Brien", "Ryan", "McDonald",
        "Doyle", "Connolly", "Gallagher", "Campbell", "Francis",
    ],
    "south_asian": [
        "Khan", "Hussain", "Ahmed", "Ali", "Akhtar", "Iqbal", "Shah", "Mahmood", "Rahman", "Miah",
        "Uddin", "Patel", "Sharma", "Chaudhry",
    ],
    "african": [
        "Okafor", "Mensah", "Adeyemi", "Okonkwo", "Osei", "Abdi", "Mohamed", "Hassan", "Nwosu",
        "Boateng", "Ndlovu", "Mutasa",
    ],
    "east_european": [
        "Nowak", "Wojcik", "Mazur", "Krawczyk", "Popescu", "Ionescu", "Stan", "Dumitru", "Balog",
        "Lakatos", "Horvath", "Kovacs",
    ],
    "west_asian": [
        "Ahmadi", "Rahimi", "Karimi", "Hosseini", "Mohammadi", "Abdullah", "Rasul", "Aziz",
        "Mahmoud", "Saleh", "Amiri", "Noori",
    ],
    "horn_of_africa": [
        "Tesfay", "Gebremedhin", "Haile", "Kidane", "Tekle", "Osman", "Abdi", "Hassan", "Yusuf",
    ],
    "chinese": ["Chen", "Li", "Wong", "Zhang", "Lam", "Cheung", "Liu", "Ho"],
}  # fmt: skip

_BRITISH_RELIGIONS = {"none": 40, "christian": 25, "catholic": 12, "not_known": 23}
_IRISH_RELIGIONS = {"catholic": 55, "none": 20, "christian": 10, "not_known": 15}


class Background(NamedTuple):
    """How an ethnicity shapes the names, religion and languages the seed gives a person."""

    names: str
    surnames: str
    religions: dict
    home_languages: tuple = ()
    home_language_share: float = 0.0


BACKGROUNDS = {
    "WBRI": Background("british", "british", _BRITISH_RELIGIONS),
    "WIRI": Background("british", "british", _IRISH_RELIGIONS),
    "WIRT": Background("british", "british", _IRISH_RELIGIONS),
    "WOTH": Background(
        "east_european", "east_european", {"catholic": 55, "christian": 15, "none": 30},
        ("polish", "romanian"), 0.6,
    ),
    "WROM": Background(
        "east_european", "east_european", {"christian": 50, "catholic": 20, "not_known": 30},
        ("romanian",), 0.7,
    ),
    "MWBC": Background("british", "british", _BRITISH_RELIGIONS),
    "MWBA": Background("british", "british", _BRITISH_RELIGIONS),
    "MWAS": Background("british", "british", {**_BRITISH_RELIGIONS, "muslim": 15}),
    "MOTH": Background("british", "british", _BRITISH_RELIGIONS),
    "AIND": Background(
        "south_asian", "south_asian", {"hindu": 50, "sikh": 30, "none": 20}, ("punjabi",), 0.3
    ),
    "APKN": Background(
        "south_asian", "south_asian", {"muslim": 95, "none": 5}, ("urdu", "punjabi"), 0.5
    ),
    "ABAN": Background("south_asian", "south_asian", {"muslim": 95, "none": 5}, ("bengali",), 0.5),
    "AOTH": Background(
        "south_asian", "south_asian", {"muslim": 60, "hindu": 20, "none": 20}, ("urdu",), 0.2
    ),
    "BCRB": Background("british", "british", {"christian": 55, "none": 30, "not_known": 15}),
    "BAFR": Background(
        "african", "african", {"christian": 55, "muslim": 35, "none": 10}, ("somali",), 0.2
    ),
    "BOTH": Background("african", "african", {"christian": 50, "none": 30, "muslim": 20}),
    "CHNE": Background("british", "chinese", {"none": 60, "buddhist": 20, "christian": 20}),
    "OOTH": Background(
        "west_asian", "west_asian", {"muslim": 60, "none": 20, "not_known": 20},
        ("arabic", "kurdish"), 0.4,
    ),
    "REFU": Background("british", "british", {"not_known": 100}),
    "NOBT": Background("british", "british", {"not_known": 100}),
}  # fmt: skip

# Children looked after in the North West: mostly White British, more mixed heritage than adults.
CHILD_ETHNICITIES = {
    "WBRI": 74, "WIRI": 0.5, "WIRT": 0.5, "WOTH": 3, "WROM": 0.5, "MWBC": 3, "MWBA": 2,
    "MWAS": 2, "MOTH": 3, "AIND": 0.5, "APKN": 2, "ABAN": 0.5, "AOTH": 1, "BCRB": 0.5,
    "BAFR": 2, "BOTH": 1, "CHNE": 0.3, "OOTH": 2, "REFU": 0.2, "NOBT": 1,
}  # fmt: skip

CARER_ETHNICITIES = {
    "WBRI": 84, "WIRI": 2, "WOTH": 3, "MWBC": 1, "MOTH": 1, "APKN": 4, "AIND": 1, "ABAN": 0.5,
    "BAFR": 1.5, "BCRB": 1, "OOTH": 1,
}  # fmt: skip

# Unaccompanied asylum-seeking children: mostly boys of 14 to 17 from Afghanistan, Iran, Iraq,
# Eritrea and Sudan. (ethnicity, religion, home language, names)
ASYLUM_BACKGROUNDS = [
    ("AOTH", "muslim", "pashto", "west_asian"),
    ("AOTH", "muslim", "dari", "west_asian"),
    ("OOTH", "muslim", "kurdish", "west_asian"),
    ("OOTH", "muslim", "farsi", "west_asian"),
    ("OOTH", "muslim", "arabic", "west_asian"),
    ("BAFR", "christian", "tigrinya", "horn_of_africa"),
    ("BAFR", "muslim", "arabic", "horn_of_africa"),
]

# Children looked after by age: about two in three are ten or older (DfE, 2024).
AGE_WEIGHTS = [5, 3, 3, 3.5, 3.5, 3.5, 3.5, 3.5, 3.5, 3.5, 6, 6, 6.5, 6.5, 6.5, 7, 12, 13]

AGENCY_NAME_STARTS = [
    "Pennine", "Irwell", "Mersey", "Ribble", "Moorland", "Heather", "Oakfield", "Willow",
    "Hollybank", "Kestrel", "Brightwater", "Northern Star", "Lantern", "Harbour", "Compass",
    "Horizon", "Beacon", "Keystone", "Rosewood", "Millstone", "Lowry", "Red Rose", "Douglas Valley",
    "Bridgewater", "Haigh", "Rivington", "Hopwood", "Saddleworth", "Etherow", "Goyt", "Tameway",
    "Cornerstone", "Foxdenton", "Bluebell", "Larkhill", "Summit", "Wayfarer", "Hearthstone",
    "Acorn", "Blackbrook",
]  # fmt: skip

AGENCY_NAME_ENDS = [
    "Fostering",
    "Foster Care",
    "Fostering Services",
    "Family Placements",
    "Foster Families",
    "Care Partnership",
]
