"""The facts seed_demo loads: the network's chapters, venues, topics and fictional people.

Chapters and their early history follow the groups' own accounts; every person is invented and every
address is at example.org.
"""

import datetime

# Published in the README: the demo is for trying the app, never for production.
DEMO_PASSWORD = "itpro-demo-2026"  # noqa: S105

CHAPTERS = [
    {
        "slug": "opcug-it-pro-sig",
        "name": "OPCUG IT Pro SIG",
        "city": "Ottawa",
        "region": "ON",
        "time_zone": "America/Toronto",
        "founded_on": datetime.date(2004, 4, 1),
        "status": "active",
        "website": "",
        "mailing_address": "OPCUG IT Pro SIG, PO Box 100, Station A, Ottawa ON K1N 0A1",
        "description": (
            "The IT professionals' special interest group of the Ottawa PC Users' Group (OPCUG).\n\n"
            "Started in the spring of 2004 with a vendor's support: its IT Pro Advisor joined as a "
            "member. About a dozen people came to the first meeting in October 2004. We talk patch "
            "management, deployment, help desk and server management, one evening a month."
        ),
        "venues": [
            {
                "name": "Bytown Community Hall, Room B",
                "address": "200 Example Avenue, Ottawa ON K1N 0A2",
                "city": "Ottawa",
                "capacity": 40,
                "accessibility_notes": "Step-free entrance on the east side; accessible washroom.",
            },
            {
                "name": "Rideau Public Library, Auditorium",
                "address": "15 Sample Street, Ottawa ON K1P 0A3",
                "city": "Ottawa",
                "capacity": 70,
                "accessibility_notes": "Elevator to the auditorium; hearing loop installed.",
            },
        ],
    },
    {
        "slug": "it-pro-toronto",
        "name": "IT Pro Toronto",
        "city": "Toronto",
        "region": "ON",
        "time_zone": "America/Toronto",
        "founded_on": datetime.date(2008, 2, 27),
        "status": "active",
        "website": "https://itprotoronto.ca/",
        "mailing_address": "IT Pro Toronto, 300 Example Street, Suite 400, Toronto ON M5V 0A4",
        "description": (
            "Toronto's user group for IT professionals. We debuted on 27 February 2008 at the "
            "*Heroes Happen Here* launch at the Direct Energy Building, with a user-group booth run by "
            "volunteers.\n\n"
            "Our early meetings were in Mississauga; we have since moved downtown. Come for the talks, "
            "stay for the 15-minute **PowerShell Snacks**."
        ),
        "venues": [
            {
                "name": "Mississauga Tech Centre, Training Room 2",
                "address": "50 Sample Boulevard, Mississauga ON L5B 0A5",
                "city": "Mississauga",
                "capacity": 60,
                "accessibility_notes": "Ground floor, free parking.",
            },
            {
                "name": "King Street Conference Centre",
                "address": "120 Example Street West, Toronto ON M5H 0A6",
                "city": "Toronto",
                "capacity": 120,
                "accessibility_notes": "Step-free from King Street; elevators to all floors.",
            },
        ],
    },
    {
        "slug": "twsug",
        "name": "Toronto Windows Server User Group (TWSUG)",
        "city": "Toronto",
        "region": "ON",
        "time_zone": "America/Toronto",
        "founded_on": datetime.date(2004, 7, 1),
        "status": "active",
        "website": "",
        "mailing_address": "TWSUG, 77 Sample Road, Toronto ON M4W 0A7",
        "description": (
            "Formed in July 2004 after a conversation at a TechNet event, TWSUG grew to more than 740 "
            "members in about a year. Members join on this site.\n\n"
            "We asked our members whether they prefer meeting in person or in chat rooms: "
            "overwhelmingly in person, so that is what we do."
        ),
        "venues": [
            {
                "name": "Yonge Street Learning Centre, Room 5",
                "address": "900 Example Street, Toronto ON M4W 0A8",
                "city": "Toronto",
                "capacity": 80,
                "accessibility_notes": "Elevator from the lobby; accessible washrooms on every floor.",
            },
        ],
    },
    {
        "slug": "mitpro",
        "name": "MITPro",
        "city": "Montréal",
        "region": "QC",
        "time_zone": "America/Toronto",
        "founded_on": datetime.date(2007, 9, 1),
        "status": "active",
        "website": "",
        "mailing_address": "MITPro, 500 rue Exemple, bureau 200, Montréal QC H3B 0A9",
        "description": (
            "Montreal's IT pro user group, in French and in English. Nos rencontres sont bilingues : "
            "posez vos questions dans la langue de votre choix."
        ),
        "venues": [
            {
                "name": "Centre de conférences Exemple",
                "address": "500 rue Exemple, Montréal QC H3B 0A9",
                "city": "Montréal",
                "capacity": 90,
                "accessibility_notes": "Accès sans marches par la rue Exemple; ascenseur.",
            },
        ],
    },
    {
        "slug": "maritug",
        "name": "MariTUG",
        "city": "Moncton",
        "region": "NB",
        "time_zone": "America/Moncton",
        "founded_on": None,
        "status": "forming",
        "website": "",
        "mailing_address": "",
        "description": (
            "IT pros in Moncton are getting a user group started. We do not meet yet: tell us you "
            "are interested and we will call the first meeting once there are enough of us."
        ),
        "venues": [],
    },
]

TOPICS = [
    ("patch-management", "Patch management"),
    ("service-pack-deployment", "Service pack deployment"),
    ("help-desk", "Help desk"),
    ("software-deployment", "OS and application deployment"),
    ("server-management", "Server management"),
    ("virtualization", "Virtualization"),
    ("hyper-v", "Hyper-V"),
    ("vmware", "VMware"),
    ("powershell", "PowerShell"),
    ("home-server", "Home Server"),
    ("hpc", "High Performance Computing"),
    ("small-business-server", "Small Business Server"),
    ("sql-server", "SQL Server"),
    ("system-center", "System Center"),
    ("exchange", "Exchange"),
    ("security", "Secure and well-managed infrastructure"),
    ("virtual-desktop", "Optimized and virtual desktop"),
    ("cloud", "Cloud"),
]

# Monthly talks: (title, topic slugs). Picked in turn so each chapter's year differs.
TALKS = [
    ("Patching a thousand desktops without a weekend", ["patch-management"]),
    ("Hyper-V in production: lessons from the server room", ["virtualization", "hyper-v"]),
    ("VMware and Hyper-V side by side", ["virtualization", "vmware", "hyper-v"]),
    ("SQL Server maintenance plans that actually run", ["sql-server"]),
    ("System Center for the small shop", ["system-center", "server-management"]),
    ("Exchange migrations: what we wish we had known", ["exchange"]),
    ("Zero-touch OS deployment", ["software-deployment"]),
    ("Securing the infrastructure you already have", ["security"]),
    ("Virtual desktops: when they pay off", ["virtual-desktop", "virtualization"]),
    ("Moving a file server to the cloud", ["cloud", "server-management"]),
    ("Small Business Server: keeping it healthy", ["small-business-server"]),
    ("High performance computing on a budget", ["hpc"]),
    ("Help desk metrics that matter", ["help-desk"]),
    ("Home Server for the home office", ["home-server"]),
]

SHORT_SESSIONS = [
    "PowerShell Snack: Get-Member is your friend",
    "PowerShell Snack: one-liners for Active Directory",
    "PowerShell Snack: remoting in fifteen minutes",
    "PowerShell Snack: formatting output for humans",
    "PowerShell Snack: scheduled jobs",
    "PowerShell Snack: working with CSV files",
]

DISCUSSIONS = [
    "Discussion corner: your worst patch Tuesday",
    "Open floor: questions from the help desk",
    "Discussion corner: certifications, worth it?",
    "Open floor: what are you virtualizing next?",
]

SPEAKERS = [
    "Avery Example",
    "Jordan Sample",
    "Morgan Placeholder",
    "Riley Testwell",
    "Casey Demo",
    "Quinn Fictional",
    "Sam Invented",
    "Alexis Madeup",
]

FIRST_NAMES = [
    "Alex", "Blair", "Camille", "Dana", "Eli", "Farah", "Gabriel", "Hana", "Imani", "Jules",
    "Kai", "Léa", "Mathis", "Nadia", "Owen", "Priya", "Rémi", "Sofia", "Tariq", "Uma",
    "Victor", "Wen", "Yara", "Zoé", "Amir", "Bianca", "Chloé", "Dev", "Émile", "Fiona",
]  # fmt: skip

LAST_NAMES = [
    "Archer", "Beaulieu", "Chen", "Desjardins", "Evans", "Fortin", "Gagnon", "Hughes", "Ibrahim",
    "Jensen", "Khan", "Lavoie", "Morin", "Nguyen", "Okafor", "Patel", "Quinlan", "Roy", "Singh",
    "Tremblay", "Usman", "Vasquez", "Walsh", "Xu", "Young", "Zhang",
]  # fmt: skip

# Demo accounts: (key, email, display name). Organizers are keyed by chapter slug.
SUPERUSER = ("admin@example.org", "Ada Admin")
ORGANIZERS = {
    "opcug-it-pro-sig": ("organizer.opcug@example.org", "Olivia Organizer"),
    "it-pro-toronto": ("organizer.toronto@example.org", "Theo Organizer"),
    "twsug": ("organizer.twsug@example.org", "Wendy Organizer"),
    "mitpro": ("organizer.mitpro@example.org", "Mathieu Organisateur"),
    "maritug": ("organizer.maritug@example.org", "Morgan Organizer"),
}
VOLUNTEER = ("volunteer.toronto@example.org", "Vic Volunteer", "it-pro-toronto")
LIAISON = ("liaison@example.org", "Lee Liaison")
MEMBER = ("member@example.org", "Max Member")

SPONSOR = {
    "slug": "northwind-software",
    "name": "Northwind Software",
    "website": "https://northwind.example.org/",
    "description": (
        "Northwind Software supports IT pro communities through its IT Pro Advisor programme: a named "
        "advisor joins each group it sponsors as a member."
    ),
    # chapter slug -> (level, starts on, ends on)
    "sponsorships": {
        "it-pro-toronto": ("gold", datetime.date(2008, 2, 1), None),
        "opcug-it-pro-sig": ("community", datetime.date(2004, 4, 1), None),
    },
}

# Each chapter's first meeting, as the groups tell it: (chapter slug, local start, local end, title,
# description, topic slugs, agenda [(kind, title, speaker, minutes)], venue index, walk-in guests).
FIRST_MEETINGS = [
    (
        "opcug-it-pro-sig",
        datetime.datetime(2004, 10, 13, 19, 0),
        datetime.datetime(2004, 10, 13, 21, 0),
        "First meeting: what should an IT pro SIG talk about?",
        "About a dozen people came. The list of wishes covered patch management, service pack "
        "deployment, help desk issues, software deployment and server management, and the evening "
        "turned into a discussion of deploying Windows XP SP2.",
        [
            "patch-management",
            "service-pack-deployment",
            "help-desk",
            "software-deployment",
            "server-management",
        ],
        [
            ("discussion", "Round table: what do we want from this group?", "Olivia Organizer", 45),
            ("discussion", "Deploying Windows XP SP2", "", 60),
        ],
        0,
        12,
    ),
    (
        "it-pro-toronto",
        datetime.datetime(2008, 3, 18, 18, 0),
        datetime.datetime(2008, 3, 18, 21, 0),
        "First meeting: Virtualization",
        "Our first meeting, three weeks after the launch event where we debuted. Held in Mississauga.",
        ["virtualization", "hyper-v"],
        [
            ("talk", "Virtualization: from the lab to production", "Avery Example", 60),
            ("short", "PowerShell Snack: your first script", "Theo Organizer", 15),
            ("discussion", "Open floor and pizza", "", 30),
        ],
        0,
        35,
    ),
    (
        "twsug",
        datetime.datetime(2004, 9, 21, 18, 30),
        datetime.datetime(2004, 9, 21, 20, 30),
        "Kick-off meeting",
        "The group's first meeting in person, after the summer's online sign-ups.",
        ["server-management"],
        [
            ("talk", "Windows Server 2003 in the real world", "Jordan Sample", 60),
            ("discussion", "Meeting in person or in chat rooms?", "Wendy Organizer", 30),
        ],
        0,
        40,
    ),
    (
        "mitpro",
        datetime.datetime(2008, 5, 14, 18, 30),
        datetime.datetime(2008, 5, 14, 21, 0),
        "Virtualization Reality: community tour",
        "A visiting speaker's community-tour talk on what virtualization means in practice. "
        "Registration online.",
        ["virtualization"],
        [("talk", "Virtualization Reality", "Morgan Placeholder", 90)],
        0,
        50,
    ),
]
