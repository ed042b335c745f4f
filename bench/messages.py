"""Learner messages the benchmarks send: one of each category, and a frustrated one."""

LEARNER_MESSAGES = (
    "Explain bubble sort",
    "Solve 2x+5=15",
    "I'm so frustrated with this!",
    "Can you review my Python function for off-by-one bugs?",
    "What themes does Orwell explore in 1984?",
    "Fix the grammar: me and him goes to school",
    "A train leaves at 3pm travelling 60 mph; when does it arrive 150 miles away?",
    "Translate 'see you tomorrow' into French",
    "Compare the causes of World War I and World War II",
    "What's a good recipe for pancakes?",
)
