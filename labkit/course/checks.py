"""The checks behind each notebook's exercises: one function per exercise, named after what it checks.

Each computes the expected answer from the same data the learner used (so checks hold with
``DATA_DIR`` too) and hands the verdict to :func:`labkit.course.exercises.check`.
"""
from __future__ import annotations

from labkit.course.exercises import check, close_to


# --- 00 · set-up and tour ------------------------------------------------------------------


def intent_count(lab, answer, train) -> str:
    expected = len(set(train.labels))
    return check(lab, "00.1 intents", answer, lambda a: a == expected,
                 "count the distinct labels of intents['train'] (out_of_scope counts too); set() helps")


def short_profile(lab, answer) -> str:
    from labkit.course.profiles import Profile, get_profile

    def right(profile):
        laptop = get_profile("laptop")
        return isinstance(profile, Profile) and profile == get_profile("laptop", mlm_epochs=2) and laptop.mlm_epochs != 2
    return check(lab, "00.2 profile", answer, right,
                 "labkit.get_profile takes the profile's name and then field=value overrides")


def share_of_o(lab, answer, sentences) -> str:
    tags = [tag for sentence in sentences for tag in sentence.tags]
    return check(lab, "00.3 share of O", answer, close_to(tags.count("O") / len(tags), 0.005),
                 "count the tags equal to 'O' over all training tokens and divide by the number of tokens "
                 "(a fraction between 0 and 1)")


def csv_loaded(lab, answer) -> str:
    from labkit.data import LabeledTexts

    return check(lab, "00.4 CSV", answer, lambda a: isinstance(a, LabeledTexts) and len(a) == 3,
                 "write a header line 'sentence,intent' and three rows, then data.read_text_label(path)")


# --- 01 · self-supervised pretraining ---------------------------------------------------------


def word_pieces(lab, answer, tokenizer, vocab, word) -> str:
    from labkit.blocks.text import PAD_ID, tokenize

    expected = [vocab[i] for i in tokenize(tokenizer, [word])[0] if i != PAD_ID]
    return check(lab, "01.1 word pieces", answer, lambda a: list(a) == expected,
                 f"tokenize [{word!r}] with text.tokenize, drop the [PAD] ids (0) and look each id up in vocab")


def masked_per_window(lab, answer, profile) -> str:
    expected = profile.seq_len * profile.mlm_mask_rate * 0.8
    return check(lab, "01.2 [MASK] per window", answer, close_to(expected, 0.05),
                 "a full window has seq_len tokens; mlm_mask_rate of them are selected; 80 % of those become [MASK]")


def perplexity(lab, answer, val_loss) -> str:
    import math

    expected = math.exp(val_loss)
    return check(lab, "01.3 perplexity", answer, close_to(expected, 0.01 * expected),
                 "perplexity is e to the power of the mean cross-entropy (the validation loss, in nats)")


def nearest_token(lab, answer, encoder, vocab, word) -> str:
    import numpy as np

    from labkit.blocks.text import SPECIAL_TOKENS

    if word not in vocab:
        return check(lab, "01.4 nearest token", answer, lambda a: False,
                     f"{word!r} is not a whole word in this vocabulary: pick another word")
    embeddings = np.asarray(encoder.get_layer("embedding").token_embedding.embeddings)
    unit = embeddings / np.linalg.norm(embeddings, axis=1, keepdims=True)
    similarity = unit @ unit[vocab.index(word)]
    similarity[: len(SPECIAL_TOKENS)] = -np.inf
    similarity[vocab.index(word)] = -np.inf
    expected = vocab[int(similarity.argmax())]
    return check(lab, "01.4 nearest token", answer, lambda a: a == expected,
                 "normalise every embedding row to length 1, take dot products with the word's row, skip the "
                 "word itself and the special tokens, and return the vocabulary entry with the largest one")


# --- 02 · fine-tuning -----------------------------------------------------------------------


def budget_size(lab, answer, expected) -> str:
    return check(lab, "02.1 budget size", answer, lambda a: a == expected,
                 "budget_indices(y_train, fraction, SEED) returns the indices the smallest budget keeps")


def macro_f1(lab, answer, y_true, y_pred) -> str:
    import sklearn.metrics

    expected = sklearn.metrics.f1_score(y_true, y_pred, average="macro")
    return check(lab, "02.2 macro F1", answer, close_to(expected, 1e-4),
                 "sklearn.metrics.f1_score(..., average='macro') on the test labels and the predictions")


def all_o_entity_f1(lab, answer, true_tags) -> str:
    import seqeval.metrics

    expected = seqeval.metrics.f1_score(true_tags, [["O"] * len(tags) for tags in true_tags])
    return check(lab, "02.3 all-O entity F1", answer, close_to(expected, 1e-6),
                 "an all-O tagger finds no entity at all: what are its precision and recall?")


def gain_points(lab, answer, adapted, scratch) -> str:
    return check(lab, "02.4 gain", answer, close_to(100 * (adapted - scratch), 0.05),
                 "subtract the two test accuracies at the smallest budget and multiply by 100 (points, not a fraction)")


def capital_letter_tagger(lab, answer, train_sentences, test_sentences) -> str:
    from collections import Counter, defaultdict

    import seqeval.metrics

    seen = defaultdict(Counter)  # the unigram baseline of section 2, on the same training sentences
    for sentence in train_sentences:
        for word, tag in zip(sentence.tokens, sentence.tags):
            seen[word][tag] += 1
    true = [s.tags for s in test_sentences]
    unigram = seqeval.metrics.f1_score(
        true, [[seen[w].most_common(1)[0][0] if w in seen else "O" for w in s.tokens] for s in test_sentences])

    def right(tagger):
        predicted = [list(tagger(s.tokens)) for s in test_sentences]
        if any(len(p) != len(s.tokens) for p, s in zip(predicted, test_sentences)):
            raise ValueError("the tagger must return one tag per word")
        return seqeval.metrics.f1_score(true, predicted) >= unigram + 0.01
    return check(lab, "02.5 a capital-letter feature", answer, right,
                 f"the unigram baseline's entity F1 is {unigram:.3f}: keep its tag for every word seen in training, and "
                 "give an unseen word that starts with a capital letter (not the sentence's first word) B- plus the "
                 "most frequent training entity type, or I- of the previous word's type when that word is in an entity")


# --- 03 · reinforcement learning ------------------------------------------------------------


def td_target(lab, answer) -> str:
    return check(lab, "03.1 TD target", answer, close_to(1 + 0.99 * 50, 1e-6),
                 "y = r + gamma * (1 - d) * max Q(s', a'); here the episode goes on, so d = 0")


def discounted_return(lab, answer) -> str:
    expected = sum(0.99 ** k for k in range(200))
    return check(lab, "03.2 discounted return", answer, close_to(expected, 0.01),
                 "G_0 is the sum of gamma**k * r_k over the 200 steps, with r_k = 1 (a geometric series)")


def q_net_parameters(lab, answer, sizes) -> str:
    expected = sum(n * m + m for n, m in zip(sizes, sizes[1:]))  # weights and biases of each Dense layer
    return check(lab, "03.3 Q-network parameters", answer, lambda a: a == expected,
                 "a Dense layer from n inputs to m units has n * m weights plus m biases; "
                 "CartPole gives 4 inputs, and there are 2 actions")


CLIFF_EDGE = range(25, 35)  # CliffWalking's row next to the cliff, between the start and the goal


def cliff_greedy_path(q_table, max_steps: int = 100) -> list[int]:
    """The states the greedy policy of a 48 x 4 CliffWalking Q-table visits from the start (36), up to the goal
    (47) or ``max_steps``; a step into the cliff (37 to 46) shows as the cliff state, then the walk restarts."""
    import numpy as np

    q_table = np.asarray(q_table, float).reshape(48, 4)
    moves = ((-1, 0), (0, 1), (1, 0), (0, -1))  # up, right, down, left: the environment's action numbers
    state, path = 36, []
    for _ in range(max_steps):
        row, col = divmod(state, 12)
        d_row, d_col = moves[int(q_table[state].argmax())]
        state = min(max(row + d_row, 0), 3) * 12 + min(max(col + d_col, 0), 11)
        path.append(state)
        if 37 <= state <= 46:
            state = 36
        elif state == 47:
            break
    return path


def safe_cliff_path(lab, answer) -> str:
    def right(q_table):
        path = cliff_greedy_path(q_table)
        return path[-1] == 47 and not any(37 <= s <= 46 or s in CLIFF_EDGE for s in path)
    return check(lab, "03.4 a safer path", answer, right,
                 "the greedy path must reach the goal without stepping on states 25 to 34 or into the cliff: make "
                 "reward_fn(reward, next_state) subtract a little (a point or two) when next_state is on that row, "
                 "and pass it to tabular('Q-learning', P.tabular_episodes, reward_fn=...)")


# --- 04 · explainability --------------------------------------------------------------------


def top_word(lab, answer, words, scores) -> str:
    import numpy as np

    expected = words[int(np.argmax(scores))]
    return check(lab, "04.1 top word", answer, lambda a: a == expected,
                 "explain.split_words(text) gives the words, in the order of the scores")


def drop_after_top_word(lab, answer, classify, words, scores, label) -> str:
    from labkit.blocks.explain import deletion_curve

    expected = float(deletion_curve(classify, words, scores, label, 1)[1])
    return check(lab, "04.2 drop", answer, close_to(expected, 0.01),
                 "join the words without the top one with spaces, classify it, and subtract its probability "
                 "of `label` from the full sentence's")


def lime_ig_correlation(lab, answer, lime, ig) -> str:
    from labkit.blocks.explain import rank_correlation

    return check(lab, "04.3 rank correlation", answer, close_to(rank_correlation(lime, ig), 1e-6),
                 "Spearman's rank correlation of the two score vectors (scipy.stats.spearmanr, or explain.rank_correlation)")


def occlusion_method(lab, answer, classify, sentences) -> str:
    import numpy as np

    from labkit.blocks.explain import deletion_curve, split_words

    def right(occlusion_scores):
        for text in sentences:
            words = split_words(text)
            label = int(classify([text])[0].argmax())
            scores = np.asarray(occlusion_scores(text, label), float)
            if scores.shape != (len(words),):
                raise ValueError(f"expected one score per word of split_words(text), {len(words)} for {text!r}")
            singles = [" ".join(w for j, w in enumerate(words) if j != i) for i in range(len(words))]
            probs = classify([" ".join(words)] + singles)[:, label]
            if deletion_curve(classify, words, scores, label, 1)[1] < (probs[0] - probs[1:]).max() - 1e-4:
                return False
        return True
    return check(lab, "04.4 occlusion", answer, right,
                 "for each word, delete it alone (join the other words with spaces), classify every copy in one "
                 "call, and score the word with p(label | sentence) - p(label | copy): the top word must be the one "
                 "whose deletion costs the most")


# --- 05 · customer service ----------------------------------------------------------------------------


def oos_share(lab, answer, y_test, oos_id) -> str:
    import numpy as np

    return check(lab, "05.1 out-of-scope share", answer, close_to(float(np.mean(y_test == oos_id)), 0.002),
                 "compare y['test'] with oos_id and take the mean of the booleans")


def oos_recall_at(lab, answer, probs, y_true, oos_id, threshold) -> str:
    from labkit.ch05 import oos_scores, predict_with_threshold

    expected = oos_scores(y_true, predict_with_threshold(probs, oos_id, threshold), oos_id).oos_recall
    return check(lab, "05.2 recall by hand", answer, close_to(expected, 0.002),
                 "a request is flagged when its top probability is below 0.5 OR its top class is oos_id; recall is "
                 "the share of the truly out-of-scope validation requests that are flagged")


def answer_value(lab, answer, rewards, q) -> str:
    expected = q * rewards.right_answer + (1 - q) * rewards.wrong_answer
    return check(lab, "05.3 value of answering", answer, close_to(expected, 1e-6),
                 "weigh the reward of a right answer by q and that of a wrong one by 1 - q")


def break_even(lab, answer, rewards) -> str:
    expected = (rewards.hand_over - rewards.wrong_answer) / (rewards.right_answer - rewards.wrong_answer)
    return check(lab, "05.4 break-even confidence", answer, close_to(expected, 1e-6),
                 "q * right + (1 - q) * wrong = hand_over is linear in q: collect the q terms on one side")


# --- 06 · financial sentiment monitoring ------------------------------------------------------


def lexicon_errors(lab, answer, predicted, true) -> str:
    expected = sum(p != t for p, t in zip(predicted, true))
    return check(lab, "06.1 lexicon errors", answer, lambda a: a == expected,
                 "count the test sentences whose lexicon label differs from the true label (a whole number)")


def idf_weight(lab, answer, vectorizer, word) -> str:
    def right(a):  # looked up inside the test: a word missing from the vocabulary becomes a hint, not a crash
        return close_to(float(vectorizer.idf_[vectorizer.vocabulary_[word]]), 1e-3)(a)
    return check(lab, "06.2 idf", answer, right,
                 "idf(t) = ln((1 + n) / (1 + df(t))) + 1, with n the training sentences and df(t) those holding "
                 "the word (lower case, as the vectorizer's tokens)")


def cusum_alarm_step(lab, answer, z, k, h) -> str:
    down, expected = 0.0, None
    for t, x in enumerate(z):
        down = max(0.0, down - x - k)
        if down > h:
            expected = t
            break
    return check(lab, "06.3 CUSUM alarm", answer, lambda a: a == expected,
                 "S-_t = max(0, S-_{t-1} - z_t - k) from S-_{-1} = 0; the alarm is the first t (counting from 0) "
                 "with S-_t > h")


def ewma_last(lab, answer, x, lam) -> str:
    z = x[0]
    for value in x[1:]:
        z = lam * value + (1 - lam) * z
    return check(lab, "06.4 EWMA", answer, close_to(z, 1e-6),
                 "z_0 = x_0, then z_t = lambda * x_t + (1 - lambda) * z_{t-1}; give the last z_t")


# --- 07 · personalised recommendation ----------------------------------------------------------


def rating_mean(lab, answer, train_ratings) -> str:
    import numpy as np

    return check(lab, "07.1 global mean", answer, close_to(float(np.mean(train_ratings)), 1e-4),
                 "the mean of the training ratings only (r[train]), not of all ratings")


def mf_prediction(lab, answer, mean, user_bias, item_bias, user_vectors, item_vectors, u, i) -> str:
    import numpy as np

    expected = float(mean + user_bias[u] + item_bias[i] + np.dot(user_vectors[u], item_vectors[i]))
    return check(lab, "07.2 one prediction", answer, close_to(expected, 1e-3),
                 "mu + b_u + b_i + p_u . q_i, with the weights read from the trained model (no clipping)")


def hit_rate_at(lab, answer, scores, k) -> str:
    import numpy as np

    from labkit.ch07 import positive_ranks

    expected = float(np.mean(positive_ranks(scores) < k))
    return check(lab, "07.3 HR@5", answer, close_to(expected, 1e-6),
                 "a row is a hit when fewer than 5 negatives score at least as high as its held-out item (column 0)")


def fixed_shelf_regret(lab, answer, click_probabilities, users) -> str:
    import numpy as np

    p = np.asarray(click_probabilities)[np.asarray(users)]
    best = int(np.argmax(p.sum(0)))
    expected = float((p.max(1) - p[:, best]).sum())
    return check(lab, "07.4 regret of one shelf", answer, close_to(expected, 1e-3 * max(1.0, abs(expected))),
                 "choose the shelf with the highest total click probability over the stream's users, then sum "
                 "max_a p[u, a] - p[u, best] over the stream")


# --- 08 · knowledge graph ----------------------------------------------------------------------


def candidate_pair_count(lab, answer, sentences) -> str:
    expected = sum(len(s.entities) * (len(s.entities) - 1) for s in sentences)
    return check(lab, "08.1 candidate pairs", answer, lambda a: a == expected,
                 "a sentence with n entities has n (n - 1) ordered pairs (head != tail); sum over the sentences")


def strict_precision(lab, answer, gold, predicted) -> str:
    tp = sum(len(g & p) for g, p in zip(gold, predicted))
    n_pred = sum(len(p) for p in predicted)
    expected = tp / n_pred if n_pred else 0.0
    return check(lab, "08.2 strict precision", answer, close_to(expected, 1e-6),
                 "count the predicted triples that are also gold triples of the same sentence (set intersection), "
                 "and divide by the number of predicted triples")


def transe_distance(lab, answer, entity_vectors, relation_vectors, h, r, t) -> str:
    import numpy as np

    expected = float(np.linalg.norm(entity_vectors[h] + relation_vectors[r] - entity_vectors[t]))
    return check(lab, "08.3 TransE distance", answer, close_to(expected, 1e-4),
                 "the Euclidean norm of E[h] + R[r] - E[t], with the unit-length entity vectors")


def hits_at_k(lab, answer, ranks, k) -> str:
    import numpy as np

    expected = float(np.mean(np.asarray(ranks) <= k))
    return check(lab, "08.4 Hits@3", answer, close_to(expected, 1e-6),
                 f"the share of ranks that are at most {k} (rank 1 is the best)")


# --- 09 · generation and RL of the language model ------------------------------------------------


def window_perplexity(lab, answer, log_probs, weights) -> str:
    import numpy as np

    log_probs, weights = np.asarray(log_probs, float), np.asarray(weights, float)
    expected = float(np.exp(-(log_probs * weights).sum() / weights.sum()))
    return check(lab, "09.1 perplexity of one window", answer, close_to(expected, 1e-3 * expected),
                 "exp of minus the mean log-probability over the real targets only: weight each by weights[0], "
                 "divide by weights[0].sum()")


def top_k_probability(lab, answer, logits, k) -> str:
    import numpy as np

    logits = np.asarray(logits, float)
    probs = np.exp(logits - logits.max())
    probs /= probs.sum()
    expected = float(probs.max() / np.sort(probs)[-k:].sum())
    return check(lab, "09.2 top-k probability", answer, close_to(expected, 1e-4),
                 f"softmax the logits, keep the {k} largest probabilities, and divide the largest by their sum")


def distinct_2(lab, answer, sequences) -> str:
    from labkit.ch09 import distinct_n

    expected = distinct_n(sequences, 2)
    return check(lab, "09.3 distinct-2", answer, close_to(expected, 1e-6),
                 "collect every pair of neighbouring ids of every generation (as tuples), then divide the number of "
                 "different pairs by the number of all pairs")


def next_token_kl(lab, answer, policy_logits, reference_logits) -> str:
    import numpy as np

    log_p = np.asarray(policy_logits, float) - np.logaddexp.reduce(np.asarray(policy_logits, float))
    log_q = np.asarray(reference_logits, float) - np.logaddexp.reduce(np.asarray(reference_logits, float))
    expected = float(np.sum(np.exp(log_p) * (log_p - log_q)))
    return check(lab, "09.4 first-token KL", answer, close_to(expected, 1e-4),
                 "turn both logit vectors into log-probabilities (subtract their log-sum-exp), then sum "
                 "p * (log p - log q) with p the policy's probabilities")


# --- 11 · instruction following on BabyAI --------------------------------------------------------


def babyai_forward_share(lab, answer, demos) -> str:
    expected = float((demos.actions == 2).mean())
    return check(lab, "11.1 share of forward", answer, close_to(expected, 1e-6),
                 "demos.actions holds one action per step; forward is action 2: the mean of (demos.actions == 2)")


def babyai_success_reward(lab, answer, steps, max_steps) -> str:
    expected = 1 - 0.9 * steps / max_steps
    return check(lab, "11.2 success reward", answer, close_to(expected, 1e-6),
                 "minigrid pays 1 - 0.9 * (steps taken / max_steps) for a success")


def babyai_truncation_discount(lab, answer) -> str:
    return check(lab, "11.3 truncation discount", answer, lambda a: a is not None and float(a) == 1.0,
                 "a truncated episode was only cut off: does the value of what would have followed vanish?")


# --- 10 · the capstone agent ----------------------------------------------------------------------


def agent_routing_accuracy(lab, answer, requests, turns) -> str:
    expected = sum(t.skill == r.skill for r, t in zip(requests, turns)) / len(requests)
    return check(lab, "10.1 routing accuracy", answer, close_to(expected, 1e-6),
                 "compare each turn's skill with its request's skill, then take the mean of the booleans")


def agent_missing_arguments(lab, answer, requests) -> str:
    expected = sum(r.arguments is None for r in requests)
    return check(lab, "10.2 requests that leave an argument out", answer, lambda a: a == expected,
                 "a request that leaves an argument out has arguments None; count those among the test requests")


def agent_navigation_reach(lab, answer, requests, turns) -> str:
    reached = [t.result.value for r, t in zip(requests, turns)
               if r.skill == "navigate" and t.skill == "navigate" and t.status == "done"]
    expected = sum(reached) / len(reached) if reached else 0.0
    return check(lab, "10.3 navigation reach rate", answer, close_to(expected, 1e-6),
                 "keep the navigate requests whose turn chose navigate with status 'done', then average "
                 "turn.result.value (True when the agent reached the object)")
