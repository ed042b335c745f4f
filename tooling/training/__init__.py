"""Training of the category model (scikit-learn, word vectors): development tooling; the
router ships only the trained artefact in services/router/detection/model/."""
