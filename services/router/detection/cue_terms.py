"""Per-category term lists: the original plan's keywords, widened to each field's vocabulary.

Data, written for this project (Apache-2.0). Terms are lower case, as
:func:`~services.router.detection.text_features.normalise` leaves text, and one or two words
(matched against the message's word 1- and 2-grams). A term counts as evidence for its
category; words that are ambiguous across categories ("class", "function", "table",
"library", "cookie") are left out on purpose: the n-grams and the trained weights sort those.
"""

from __future__ import annotations


def _terms(text: str) -> frozenset[str]:
    return frozenset(term.strip() for term in text.split(",") if term.strip())


CODING = _terms(
    """
    code, coding, codebase, coder, program, programs, programming, programmer, developer,
    software, script, scripts, scripting, algorithm, algorithms, bug, bugs, buggy, debug,
    debugging, debugger, breakpoint, compile, compiler, compiling, compiled, compilation,
    interpreter, runtime, bytecode, jvm, gcc, clang, makefile, cmake, segfault, segmentation,
    exception, exceptions, traceback, stacktrace, stack trace, typeerror, valueerror,
    indexerror, keyerror, nameerror, attributeerror, syntaxerror, importerror,
    nullpointerexception, undefined, null, python, java, javascript, typescript, kotlin, swift,
    rust, golang, ruby, php, perl, scala, haskell, elixir, lua, dart, matlab, bash, shell,
    powershell, zsh, sql, mysql, postgres, postgresql, sqlite, mongodb, redis, nosql, html,
    css, scss, json, xml, yaml, api, apis, rest api, graphql, http, https, endpoint, endpoints,
    backend, frontend, fullstack, localhost, docker, dockerfile, kubernetes, container,
    containers, git, github, gitlab, commit, commits, rebase, repo, repository, pull request,
    merge conflict, npm, yarn, pip, conda, venv, virtualenv, node, nodejs, express, django,
    flask, fastapi, spring boot, react, vue, angular, svelte, jquery, bootstrap, tailwind,
    nextjs, webpack, vite, linux, ubuntu, terminal, command line, cli, ssh, sudo, chmod, grep,
    vim, vscode, vs code, intellij, eclipse, xcode, ide, const, var, lambda, lambdas, closure,
    closures, callback, callbacks, promise, promises, async, await, asynchronous, thread,
    threads, threading, multithreading, concurrency, mutex, deadlock, race condition,
    semaphore, inheritance, polymorphism, encapsulation, constructor, interface, interfaces,
    enum, enums, struct, structs, pointer, pointers, malloc, memory leak, garbage collection,
    array, arrays, arraylist, tuple, tuples, dict, dictionary, dictionaries, hashmap, hash map,
    hashtable, hash table, integer overflow, boolean, bool, char, iterate, iteration, iterator,
    iterators, generator, generators, recursion, recursive, data structure, data structures,
    linked list, linked lists, queue, queues, stack, stacks, heap, heaps, binary tree, bst,
    trie, bfs, dfs, dijkstra, sorting, bubble sort, quicksort, quick sort, mergesort,
    merge sort, insertion sort, selection sort, heapsort, heap sort, binary search, big o,
    time complexity, space complexity, dynamic programming, memoization, backtracking, greedy,
    leetcode, hackerrank, refactor, refactoring, unit test, unit tests, pytest, junit, tdd,
    linter, lint, pep, regex, regular expression, parse, parsing, parser, serialize,
    deserialize, oop, singleton, mvc, microservice, microservices, deploy, deployment, ci,
    devops, aws, azure, heroku, vercel, netlify, serverless, database, databases, query,
    queries, inner join, left join, primary key, foreign key, schema, orm, crud, framework,
    frameworks, sdk, stackoverflow, stack overflow, pandas, numpy, matplotlib, dataframe,
    jupyter, tensorflow, pytorch, sklearn, scikit, neural network, machine learning, arduino,
    raspberry pi, unity, godot, android studio, ios app, flutter, react native, web scraping,
    scraper, beautifulsoup, selenium, dom, flexbox, websocket, oauth, jwt, cors, csrf, xss,
    sql injection, bcrypt, hexadecimal, bitwise, stdin, stdout, printf, scanf, cout, cin,
    println, console, syntax, indentation, variable, variables, string, strings, substring,
    int, float, function call, return value, for loop, while loop, loop, loops,
    nested loop, infinite loop, index out, off by one, source code, pseudocode, compile error,
    runtime error, crash, crashes, crashing, localhost, web app, website, webpage, frontend,
    css grid, javascript function, python function, python script, code review, pr, diff
    """
)

MATH = _terms(
    """
    math, maths, mathematics, equation, equations, solve, solving, calculate, calculation,
    calculations, compute, arithmetic, algebra, algebraic, geometry, trigonometry, trig,
    calculus, precalculus, statistics, stats, probability, probabilities, derivative,
    derivatives, differentiate, differentiation, integral, integrals, integrate, integration,
    antiderivative, limit, limits, continuity, asymptote, asymptotes, polynomial, polynomials,
    quadratic, quadratics, linear equation, cubic, exponent, exponents, exponential,
    logarithm, logarithms, log, ln, sqrt, square root, cube root, radical, radicals, fraction,
    fractions, numerator, denominator, decimal, decimals, percent, percentage, percentages,
    ratio, ratios, proportion, proportional, sum, quotient, remainder, divisible,
    divisibility, factor, factors, factorial, factorization, factorise, factorize, prime,
    primes, prime number, composite, gcd, gcf, lcm, multiple, multiples, integer, integers,
    rational, irrational, real numbers, complex number, complex numbers, imaginary, matrix,
    matrices, determinant, eigenvalue, eigenvalues, eigenvector, eigenvectors, vector,
    vectors, scalar, dot product, cross product, linear algebra, theorem, theorems, lemma,
    proof, proofs, prove, induction, contradiction, axiom, pythagorean, pythagoras,
    hypotenuse, triangle, triangles, isosceles, equilateral, scalene, angle, angles, degrees,
    radians, circle, circles, circumference, radius, diameter, arc, sector, chord, tangent,
    cosine, sine, sin, cos, tan, polygon, pentagon, hexagon, octagon, decagon, quadrilateral,
    parallelogram, trapezoid, trapezium, rhombus, rectangle, perimeter, area, volume,
    surface area, cylinder, cone, sphere, prism, cube, congruent, coordinate, coordinates,
    slope, intercept, gradient, vertex, parabola, hyperbola, ellipse, median, mode,
    variance, standard deviation, deviation, zscore, percentile, quartile,
    interquartile, normal distribution, distribution, binomial, poisson, hypothesis test,
    confidence interval, regression, correlation, expected value, permutation,
    permutations, combination, combinations, choose, dice, die, coin, odds, sequence,
    sequences, arithmetic sequence, geometric sequence, series, convergence, converge,
    converges, diverge, infinity, sigma, summation, inequality, inequalities, absolute value,
    modulo, modular, subset, venn, domain, inverse, coefficient, coefficients, like terms,
    distributive, commutative, associative, pemdas, bodmas, order of operations,
    long division, multiplication, division, addition, subtraction, times, divided, plus,
    minus, squared, cubed, power, powers, multiply, simplify, expand, evaluate, graph,
    graphing, compound interest, simple interest, discount, profit, average speed, per hour,
    mph, km, cm, meters, liters, miles, how many, how much, altogether, in total, word problem,
    math problem, math homework, sat math
    """
)

RESEARCH = _terms(
    """
    history, historical, historian, historians, century, centuries, ancient, medieval,
    renaissance, enlightenment, revolution, revolutions, war, wars, world war, ww0, wwi,
    wwii, cold war, civil war, empire, empires, dynasty, colonial, colonialism, colonization,
    imperialism, independence, treaty, monarchy, democracy, republic, dictatorship, fascism,
    communism, socialism, capitalism, marxism, nationalism, feudalism, slavery, abolition,
    civil rights, suffrage, apartheid, holocaust, genocide, reformation, crusades, industrial,
    literature, literary, novel, novels, novella, poem, poems, poetry, poet, sonnet, stanza,
    playwright, shakespeare, hamlet, macbeth, othello, orwell, dickens, austen, steinbeck,
    fitzgerald, hemingway, tolkien, homer, odyssey, iliad, gatsby, theme, themes, motif,
    motifs, symbolism, symbol, symbolize, symbolise, symbolizes, represent, represents,
    allegory, protagonist, antagonist, narrator, narrative, characterization, characters,
    foreshadowing, tragedy, tragic, analyze, analyse, analysis, analyzing,
    assess, compare, contrast, discuss, examine, interpret, interpretation, significance,
    significant, impact, impacts, consequences, causes, effects, influence, role, argument,
    arguments, thesis, essay, essays, research, research paper, report, literature review,
    sources, source, primary source, secondary sources, citation, citations, cite, apa, mla,
    bibliography, peer reviewed, journal, study, studies, evidence, hypothesis, experiment,
    experiments, methodology, qualitative, quantitative, survey, surveys, scientific,
    scientific method, theory, theories, scientist, scientists, biology, chemistry, physics,
    ecology, geology, astronomy, psychology, sociology, anthropology, economics, economy,
    political, politics, government, philosophy, philosopher, philosophers, ethics, ethical,
    morality, science, photosynthesis, evolution, natural selection, darwin, genetics, gene,
    genes, dna, rna, chromosome, chromosomes, cell, cells, mitosis, meiosis, enzyme, enzymes,
    protein, proteins, bacteria, virus, viruses, immune, vaccine, vaccines, antibiotics,
    ecosystem, ecosystems, biodiversity, climate change, global warming, greenhouse, carbon,
    emissions, pollution, deforestation, atom, atoms, molecule, molecules, electron,
    electrons, quantum, relativity, gravity, black hole, black holes, universe, galaxy,
    planets, solar system, big bang, plate tectonics, earthquake, earthquakes, volcano,
    volcanoes, erosion, inflation, recession, gdp, supply and demand, markets, globalization,
    globalisation, tariffs, unemployment, inequality, poverty, society, societies, social,
    culture, cultural, religion, religious, mythology, civilization, civilizations,
    archaeology, fossils, dinosaurs, extinction, explain how, explain why, why did,
    how did, what caused, what led, effects of, impact of, causes of, role of
    """
)

LANGUAGE = _terms(
    """
    grammar, grammatical, grammatically, ungrammatical, spelling, spell, spelled, spelt,
    misspelled, punctuation, punctuate, comma, commas, apostrophe, apostrophes, semicolon,
    colon, hyphen, dash, quotation marks, capitalization, capitalize, capitalise,
    capital letter, translate, translation, translating, translator, meaning, mean, means,
    definition, define, synonym, synonyms, antonym, antonyms, homophone, homophones, idiom,
    idioms, phrasal, phrasal verb, expression, slang, vocabulary, vocab, word, words,
    sentence, sentences, clause, clauses, phrase, noun, nouns, pronoun, pronouns, verb,
    verbs, adjective, adjectives, adverb, adverbs, preposition, prepositions, conjunction,
    conjunctions, articles, determiner, tense, tenses, present perfect, past perfect,
    past tense, future tense, present simple, continuous, progressive, simple past,
    conjugate, conjugation, conjugations, infinitive, gerund, participle, past participle,
    subjunctive, conditional, passive voice, active voice, subject verb, agreement, plural,
    singular, possessive, countable, uncountable, modal, modal verbs, irregular,
    irregular verbs, proofread, proofreading, rephrase, paraphrase, rewrite, reword,
    correct, correction, corrections, typo, typos, pronounce, pronunciation, fluent, fluency,
    native speaker, english, spanish, french, german, italian, portuguese, japanese,
    chinese, mandarin, cantonese, korean, russian, arabic, hindi, latin, dutch, swedish,
    polish, turkish, esl, efl, ielts, toefl, duolingo, hiragana, katakana, kanji, formal,
    informal, rhyme, rhymes, prefix, suffix, etymology, how do you say, how to say,
    what does, is it correct, which is correct, correct this, fix the grammar, check my,
    run on, comma splice, dangling, ser, estar, por, para, say, tell, wording, concise,
    more formal, sound more, sound natural, learn english, learning english, english teacher
    """
)

GENERAL = _terms(
    """
    recipe, recipes, cook, cooking, bake, baking, food, meal, meals, dinner, lunch, breakfast,
    snack, snacks, dessert, pancakes, pasta, pizza, chicken, eggs, coffee, tea, restaurant,
    restaurants, grocery, groceries, kitchen, fridge, oven, microwave, clean, cleaning,
    laundry, wash, washing, stain, stains, vacuum, house, apartment, bedroom, furniture,
    garden, gardening, plant, plants, houseplant, flowers, pet, pets, dog, dogs, puppy, cat,
    cats, kitten, vet, weather, rain, snow, sunny, travel, traveling, travelling, trip,
    vacation, holiday, holidays, flight, flights, airport, hotel, visa, passport, beach,
    camping, hike, hiking, weekend, birthday, party, gift, gifts, christmas, halloween,
    thanksgiving, wedding, date, dating, crush, friend, friends, boyfriend, girlfriend, movie,
    movies, film, films, tv, show, netflix, music, song, songs, playlist, concert, band, game,
    games, video games, sport, sports, football, soccer, basketball, tennis, cricket,
    baseball, gym, workout, exercise, fitness, running, yoga, sleep, nap, calories, diet,
    healthy, doctor, dentist, shopping, buy, cheap, budget, bank, car, cars, tire, tyre, bike,
    bicycle, phone, iphone, laptop, wifi, printer, headphones, airpods, battery, screenshot,
    instagram, tiktok, youtube, youtuber, joke, jokes, riddle, fun fact, trivia, hello, hi,
    hey, thanks, thank you, bye, good morning, good night, forecast, capital of, country,
    countries, city, population, president, celebrity, famous, clothes, wear, outfit, shoes,
    shirt, hair, job interview, resume, landlord, rent, neighbor, neighbour, tips, advice,
    recommend, recommendation, suggest, ideas, best way, what should i, how do i get, chat,
    bored, name for, favorite, favourite, tallest, largest, biggest, fastest, who won,
    who invented, who painted, who wrote, what time, what day
    """
)

TERMS = {
    "coding": CODING,
    "math": MATH,
    "research": RESEARCH,
    "language": LANGUAGE,
    "general": GENERAL,
}
