"""The customer-support intent set: ``intents/{train,valid,test}.csv`` with columns ``text,label``.

Each intent has message templates and synonym slots (``{lost}`` -> lost / misplaced /
mislaid ...). Templates are partitioned into disjoint train/valid/test parts; synonyms and
shared slot values (cards, products, amounts, cities ...) into train/corpus/valid/test parts,
so a test message is a new phrasing built from words the training split never used for that
intent. The corpus (``corpus.py``) uses only the train and corpus parts, in its own
sentences, never these templates.
"""
from __future__ import annotations

import csv
import io
import random
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import lexicon
from .lexicon import (
    FRACTIONS,
    HELD_OUT,
    PARTS,
    PRETRAIN,
    SLOT,
    SPLITS,
    LABELLED_FRACTIONS,
    Pool,
    fill,
    ordinary,
    partition,
    pretrain_values,
    pools,
    table,
    write_text,
)

OUT_OF_SCOPE = "out_of_scope"
TRAIN_SIZE = (105, 135)  # per label, drawn once per label
VALID_SIZE = 25
TEST_SIZE = 40


@dataclass(frozen=True)
class Intent:
    """One intent: its synonym slots, its message templates and its corpus material.

    ``slots`` map a slot name to synonyms (the first, plain word is always in train);
    ``templates`` are customer messages for the labelled set; ``says`` are customer
    phrases and ``answers`` agent / help-centre sentences used only by the corpus.
    ``key_slots`` (default: all slots) are the topic words the card and tests track.
    """

    name: str
    topic: str
    slots: dict[str, tuple[str, ...]]
    templates: tuple[str, ...]
    says: tuple[str, ...] = ()
    answers: tuple[str, ...] = ()
    key_slots: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.key_slots:
            object.__setattr__(self, "key_slots", tuple(self.slots))


INTENTS: tuple[Intent, ...] = (
    Intent(
        "card_lost", "Lost or stolen cards",
        {"lost": ("lost", "misplaced", "mislaid", "lost track of", "dropped", "left behind"),
         "stolen": ("was stolen", "got stolen", "went missing", "was nicked", "was pinched", "disappeared")},
        ("I {lost} my {card} {time}, what should I do?",
         "I think I {lost} my {card} {place}.",
         "Help, I {lost} my {card}!",
         "My {card} {stolen} {time}.",
         "My {card} {stolen}, can you stop it working?",
         "I {lost} my {card} and need to freeze it right away.",
         "What do I do now that I have {lost} my {card}?",
         "I'm pretty sure my {card} {stolen} {place}.",
         "Can you cancel my {card}? I {lost} my purse {time}.",
         "I {lost} my wallet with my {card} in it.",
         "How do I report that my {card} {stolen}?",
         "I need a new {card} because I {lost} the old one.",
         "Please stop all payments, my {card} {stolen} {time}.",
         "Is my money safe if I {lost} my {card} {place}?",
         "{lost} my {card} {place} and I'm worried someone will use it."),
        ("I {lost} my {card} {place} {time} and I panicked",
         "my {card} {stolen} while I was {place}",
         "I {lost} my {card} and I need to know if anyone has used it",
         "I think my {card} {stolen} from my coat pocket"),
        ("If you have {lost} your {card}, freeze it in the app straight away.",
         "A {card} that {stolen} should be reported at once so that nobody can use it.",
         "We have blocked the old {card} and a replacement will arrive within five working days.",
         "If a {card} {stolen}, we cannot unblock it, so we will send you a new one.",
         "If you find the {card} you {lost}, please cut it in half, because it has been cancelled.",
         "Check your recent payments and tell us about any you did not make after the {card} {stolen}."),
    ),
    Intent(
        "card_arrival", "Waiting for a new card",
        {"arrive": ("arrived", "come", "shown up", "turned up", "been delivered", "reached me"),
         "wait": ("waiting for", "expecting", "looking out for", "hoping to get", "holding out for", "chasing")},
        ("My new {card} still hasn't {arrive}.",
         "I ordered a {card} {time} and it hasn't {arrive}.",
         "I've been {wait} my {card} for two weeks.",
         "Still {wait} the replacement {card}, any news?",
         "It's been ten days and the {card} hasn't {arrive}.",
         "Can you check why my {card} hasn't {arrive}?",
         "I am {wait} a new {card}, can you tell me where it is?",
         "Is it normal that my {card} has not {arrive} after a week?",
         "The {card} you sent me hasn't {arrive}, should I be worried?",
         "My {card} hasn't {arrive} and I need it for a trip to {city}.",
         "How much longer will I be {wait} my {card}?",
         "You said my {card} was posted, but it hasn't {arrive}.",
         "Why am I still {wait} my {card}?",
         "Two weeks on and my {card} still hasn't {arrive}."),
        ("I have been {wait} my {card} since it was posted and it still hasn't {arrive}",
         "the letter said the {card} would be sent within a week but it hasn't {arrive}",
         "my {card} has finally {arrive} after twelve days",
         "I was {wait} a replacement {card} for almost a month"),
        ("New cards are usually delivered within five to seven working days.",
         "If your {card} hasn't {arrive} after ten working days, let us know and we will send another one.",
         "While you are {wait} your {card}, you can use the virtual card in the app.",
         "Please check that your address is correct, because that is the most common reason a {card} hasn't {arrive}.",
         "Post can be slow during holidays, so some customers are {wait} their cards a little longer."),
    ),
    Intent(
        "refund_request", "Refunds and returns",
        {"refund": ("a refund", "the money back", "a reimbursement", "a repayment", "compensation", "a credit note"),
         "returned": ("returned", "sent back", "posted back", "shipped back", "gave back", "took back")},
        ("I want {refund} for the {product} I bought.",
         "I {returned} the {product} {time}, when do I get {refund}?",
         "Can I get {refund}? The {product} is broken.",
         "How do I ask for {refund} on my order?",
         "I {returned} the {product} but still haven't had {refund}.",
         "Please give me {refund}, I paid {amount} for nothing.",
         "The {product} was not what I ordered, I would like {refund}.",
         "I {returned} the parcel two weeks ago and there's still no sign of {refund}.",
         "Is it possible to get {refund} if I {returned} the {product} late?",
         "I'd like {refund} please, the {product} is faulty.",
         "Could you sort out {refund} for my last order?",
         "The shop says they sent {refund} but I can't see it.",
         "I {returned} the {product} to the store, how long until I get {refund}?",
         "I'm still waiting on {refund} for the {product} I {returned}."),
        ("I {returned} the {product} and asked for {refund}",
         "the seller promised {refund} but nothing has happened",
         "I was told I would get {refund} within five days",
         "I {returned} a faulty {product} and had to fight for {refund}"),
        ("Once the seller confirms they have the item you {returned}, you should get {refund} within five "
         "working days.",
         "You can ask for {refund} in the app under recent orders.",
         "If the item came damaged, you are entitled to {refund} or a replacement.",
         "Shops normally send {refund} to the card you paid with.",
         "We will chase the seller if you {returned} an item and did not get {refund}.",
         "Keep the receipt until you get {refund}, in case the seller asks for it."),
    ),
    Intent(
        "transfer_failed", "Transfers that did not go through",
        {"transfer": ("transfer", "bank transfer", "wire transfer", "money transfer", "remittance",
                      "international transfer"),
         "failed": ("failed", "didn't go through", "bounced back", "was reversed", "got stuck", "never went through",
                    "was unsuccessful")},
        ("My {transfer} {failed}, what happened?",
         "The {transfer} I made {time} {failed}.",
         "I sent {amount} to my sister but the {transfer} {failed}.",
         "I tried to send money but the {transfer} {failed}.",
         "The {transfer} of {amount} {failed} and the money has left my balance.",
         "Can you tell me why the {transfer} {failed}?",
         "My rent {transfer} {failed} and my landlord is angry.",
         "Help, the {transfer} to my friend in {city} {failed}.",
         "The app says the {transfer} {failed} but gives no reason.",
         "This is the third time my {transfer} {failed} this month.",
         "My salary {transfer} {failed} {time}.",
         "The {transfer} to my other account {failed}, please check.",
         "I need to know why my {transfer} {failed} before I try again.",
         "Is there a problem with your system? My {transfer} {failed}."),
        ("I sent {amount} to a friend in {city} and the {transfer} {failed}",
         "my {transfer} {failed} and the money was missing for two days",
         "the {transfer} for my rent {failed} on the first of the month"),
        ("If your {transfer} {failed}, the money will come back to your balance within two working days.",
         "Check the account number and the name of the person you are paying, then try the {transfer} again.",
         "Sometimes a {transfer} {failed} because the receiving bank rejected it.",
         "We are sorry your {transfer} {failed}; our team is looking into it.",
         "Any {transfer} to another country can take longer, and it may need extra checks.",
         "Make sure the IBAN is complete, because a missing digit is a common reason a {transfer} {failed}."),
    ),
    Intent(
        "change_pin", "Changing your PIN",
        {"change": ("change", "modify", "alter", "replace", "redo"),
         "pin": ("PIN", "PIN code", "PIN number", "secret code", "four digit code", "card code")},
        ("How do I {change} my {pin}?",
         "I want to {change} the {pin} on my {card}.",
         "Can I {change} my {pin} in the app?",
         "I don't like my {pin}, can I {change} it?",
         "Is it possible to {change} my {pin} at a cash machine?",
         "I'd like to {change} my {pin} to something easier to remember.",
         "Where can I {change} the {pin} for my new {card}?",
         "Please help me {change} my {pin}.",
         "I think someone saw my {pin}, I need to {change} it.",
         "Need to {change} my {pin} today.",
         "What are the steps to {change} a {pin}?",
         "My {pin} is too hard to remember, how can I {change} it?",
         "Can you {change} my {pin} for me?",
         "Does it cost anything to {change} my {pin}?"),
        ("I wanted to {change} my {pin} because my kids had seen me type it",
         "I tried to {change} the {pin} at a cash machine but the option was missing",
         "after I got a new {card} I had to {change} the {pin} straight away"),
        ("You can {change} your {pin} at any of our cash machines or in the app under card settings.",
         "Choose a {pin} that is hard to guess, and never write it down.",
         "After you {change} your {pin}, the new one works straight away for contactless and chip payments.",
         "For your safety, our staff will never ask you to tell them your {pin}."),
    ),
    Intent(
        "exchange_rate", "Exchange rates",
        {"rate": ("exchange rate", "conversion rate", "rate of exchange", "FX rate", "currency rate",
                  "conversion price"),
         "convert": ("convert", "exchange", "turn", "swap", "switch", "trade")},
        ("What is the {rate} for {currency} today?",
         "What {rate} do you use when I pay in {currency}?",
         "How much is the {rate} from {currency} to {currency2}?",
         "I want to {convert} {amount_number} {currency} into {currency2}, what will I get?",
         "Is your {rate} better than the one at the airport?",
         "Why did the {rate} move so much since yesterday?",
         "What {rate} will I get if I {convert} {currency} into {currency2}?",
         "Can you tell me the current {rate} for {currency2}?",
         "I'm going to {city} next week, what's the {rate} there?",
         "If I {convert} money abroad, which {rate} applies?",
         "How often do you update the {rate}?",
         "Does the app show the live {rate} before I {convert} my {currency}?",
         "Is the {rate} fixed when I {convert} at the weekend?",
         "Where can I see the {rate} for {currency} in the app?"),
        ("I wanted to {convert} {currency} into {currency2} before my trip and checked the {rate}",
         "the {rate} at the airport was terrible so I waited",
         "I never know which {rate} I will get when I {convert} {currency}"),
        ("We use the {rate} set by the market at the moment you pay.",
         "You can check today's {rate} for {currency} in the app before you {convert} any money.",
         "At weekends the {rate} is fixed, so a small markup applies when you {convert} money.",
         "The {rate} changes every few seconds while markets are open."),
    ),
    Intent(
        "cancel_order", "Cancelling an order",
        {"cancel": ("cancel", "stop", "scrap", "withdraw", "void", "back out of"),
         "order": ("order", "purchase", "online order", "recent order", "latest order", "last order")},
        ("I want to {cancel} my {order} for the {product}.",
         "Can I still {cancel} the {order} I placed {time}?",
         "Please {cancel} my {order}, I changed my mind.",
         "How do I {cancel} my {order} if it hasn't shipped yet?",
         "I ordered the {product} by mistake, can you {cancel} it?",
         "Is it too late to {cancel} my {order}?",
         "I need to {cancel} the {product} I ordered {time}.",
         "I'd like to {cancel} my {order} before it ships.",
         "{cancel} my {order} please, I found it cheaper elsewhere.",
         "Can you help me {cancel} my {order}?",
         "I placed the same {order} twice by accident, please {cancel} one of them.",
         "Where is the button to {cancel} my {order}?",
         "I no longer need the {product}, please {cancel} my {order}.",
         "My {order} hasn't been sent yet, so please {cancel} it."),
        ("I had to {cancel} my {order} for the {product} because I found it cheaper",
         "I tried to {cancel} the {order} an hour after placing it",
         "I wanted to {cancel} my {order} but it had already left the warehouse"),
        ("You can {cancel} your {order} free of charge until it has been dispatched.",
         "Once an order has shipped, you cannot {cancel} it, but you can return it when it reaches you.",
         "To {cancel} your {order}, open the order page and tap the cancel button.",
         "We have received your request to {cancel} the {order} and you will get a confirmation email shortly."),
    ),
    Intent(
        "delivery_status", "Tracking a delivery",
        {"where": ("where is", "what happened to", "any update on", "can you track", "what's the status of",
                   "how close is"),
         "ship": ("delivery", "parcel", "package", "shipment", "consignment", "home delivery")},
        ("{where} my {ship}?",
         "{where} the {product} I ordered {time}?",
         "{where} my {ship}? It was due {time}.",
         "The tracking page hasn't changed in days, {where} my {ship}?",
         "I've been waiting a week, {where} my {ship}?",
         "{where} my {ship} with the {product}?",
         "When will my {ship} get here? I ordered the {product} {time}.",
         "The courier never came, {where} my {ship}?",
         "I need the {product} by Friday, {where} my {ship}?",
         "The tracking number doesn't work, {where} my {ship}?",
         "{where} my {ship}? It was supposed to be here {time}.",
         "My {ship} has been with the courier for days, {where} it?",
         "{where} my {ship}? I need it for a birthday.",
         "Nothing has moved on the tracking page, {where} my {ship}?"),
        ("the tracking page for my {ship} has not changed for three days",
         "I wrote to the shop and asked: {where} my {ship}?",
         "I waited at home all day for the {ship} and nobody came",
         'every morning I sent the same message, "{where} my {ship}?", and got no reply'),
        ("You can follow your {ship} on the tracking page from the moment it leaves our warehouse.",
         "A {ship} usually takes three working days to reach you.",
         "If your {ship} is late, the courier may have left a note with a new delivery date.",
         "We are sorry your {ship} is late; we have asked the courier for an update."),
    ),
    Intent(
        "update_address", "Changing your address",
        {"update": ("update", "amend", "correct", "edit", "revise", "fix"),
         "address": ("address", "home address", "postal address", "mailing address", "billing address",
                     "street address")},
        ("I need to {update} my {address}.",
         "I moved to {city}, how do I {update} my {address}?",
         "Can you {update} the {address} on my account?",
         "My {address} is wrong, please {update} it.",
         "Where in the app can I {update} my {address}?",
         "I'm moving house next month and want to {update} my {address}.",
         "How long does it take to {update} my {address}?",
         "I typed my {address} wrong, can I {update} it?",
         "Please {update} my {address} to the new flat.",
         "Do I need documents to {update} my {address}?",
         "I want to {update} my {address} before you send my new {card}.",
         "The {address} you have is old, I need to {update} it.",
         "Can I {update} my {address} online or do I need to call?",
         "We moved to {city}, so I have to {update} my {address}."),
        ("after moving to {city} I had to {update} my {address} with every company",
         "I forgot to {update} my {address} and my letters went to the old flat",
         "it took five minutes to {update} my {address} in the app"),
        ("You can {update} your {address} in the app under personal details.",
         "For security, we may ask for a recent bill before we {update} your {address}.",
         "Remember to {update} your {address} before we send you a new card.",
         "Once you {update} your {address}, all letters will go to the new one."),
    ),
    Intent(
        "account_locked", "Locked accounts",
        {"locked": ("locked", "blocked", "frozen", "suspended", "disabled", "restricted"),
         "login": ("log in", "sign in", "get in", "access the app", "get past the login screen", "open the app")},
        ("My account is {locked}, I can't {login}.",
         "Why is my account {locked}?",
         "I can't {login}, it says my account is {locked}.",
         "My account got {locked} after I typed the wrong password three times.",
         "Please help, my account was {locked} {time} and I still can't {login}.",
         "How do I get my account back? It is {locked}.",
         "The app says my account is {locked}, what did I do wrong?",
         "Is there a reason my account would be {locked}?",
         "I can't {login} at all, is my account {locked}?",
         "My account has been {locked} for no reason.",
         "Can someone reactivate my account? It has been {locked}.",
         "Every time I try to {login} it tells me the account is {locked}.",
         "My profile is {locked} and I need to pay a bill today.",
         "Why can't I {login}? Has my account been {locked}?"),
        ("my account was {locked} and I could not {login} for a whole day",
         "when I tried to {login} the app said my account was {locked}",
         "I travelled abroad and my account was {locked} the moment I tried to {login}"),
        ("Accounts are {locked} automatically after several wrong login attempts, to keep your money safe.",
         "If your account is {locked}, we will ask a few security questions before we unlock it.",
         "Once the account is unlocked, you can {login} again as usual.",
         "An account may also be {locked} if we notice unusual activity."),
    ),
    Intent(
        "password_reset", "Resetting a password",
        {"reset": ("reset", "recover", "restore", "retrieve", "renew"),
         "password": ("password", "passcode", "login password", "passphrase", "sign-in password", "app password"),
         "forgot": ("forgot", "can't remember", "have forgotten", "no longer remember", "blanked on")},
        ("I {forgot} my {password}, how do I {reset} it?",
         "How can I {reset} my {password}?",
         "Please help me {reset} my {password}.",
         "I {forgot} my {password} again.",
         "Can you send me a link to {reset} my {password}?",
         "I want to {reset} my {password} because I think someone knows it.",
         "I {forgot} the {password} for the app, what now?",
         "Where do I go to {reset} my {password}?",
         "I {forgot} my {password} and my old phone number is gone.",
         "Is there a way to {reset} my {password} without my old phone?",
         "Need to {reset} my {password}, please help.",
         "I {forgot} which {password} I used when I joined.",
         "My {password} doesn't work anymore, I want to {reset} it.",
         "What should I do if I {forgot} my {password}?"),
        ("I {forgot} my {password} after the holidays and had to {reset} it",
         "the email to {reset} my {password} took ten minutes",
         "I {forgot} my {password} so often that I wrote it on a note"),
        ("To {reset} your {password}, tap the link on the login screen and follow the steps.",
         "If you {forgot} your {password}, we will send a code to your phone.",
         "Choose a {password} you have not used before.",
         "We will never ask for your {password} by email or phone."),
    ),
    Intent(
        "top_up", "Adding money to your account",
        {"topup": ("top up", "add money to", "load money onto", "put money on", "fund", "reload")},
        ("How do I {topup} my account?",
         "I need to {topup} my account, about {amount} should do.",
         "What's the fastest way to {topup} my account?",
         "I tried to {topup} my account but nothing happened.",
         "Is there a limit when I {topup} my account?",
         "How long does it take to {topup} my wallet?",
         "Can I {topup} my account in cash at a shop?",
         "I need to {topup} my account before my trip to {city}.",
         "Does it cost anything to {topup} my account?",
         "Please help me {topup} my account, the balance is low.",
         "Can I {topup} my account from a bank in another country?",
         "Why can't I {topup} my account with my {card}?",
         "I'd like to {topup} my account right now, {amount} please.",
         "Can my parents {topup} my account for me?"),
        ("I usually {topup} my account with {amount} every Friday",
         "before the trip I had to {topup} my account twice",
         "my son asked me to {topup} his account so he could buy lunch"),
        ("You can {topup} your account with a debit card, by bank transfer or with cash at partner shops.",
         "Money you use to {topup} your account is usually available within seconds.",
         "There is a daily limit on how much you can use to {topup} your account.",
         "If you {topup} your account with a credit card, your card issuer may charge a fee."),
    ),
    Intent(
        "open_account", "Opening an account",
        {"open": ("open", "create", "set up", "start", "sign up for", "apply for", "register for"),
         "account": ("account", "bank account", "savings account", "current account", "joint account",
                     "checking account")},
        ("I want to {open} a new {account}.",
         "How do I {open} a new {account}?",
         "Can I {open} a second {account}?",
         "What documents do I need to {open} a new {account}?",
         "I'd like to {open} a new {account} for my son.",
         "Is it free to {open} a new {account}?",
         "Can I {open} a new {account} if I live in {city}?",
         "How long does it take to {open} a new {account}?",
         "I'm new in town and want to {open} a new {account}.",
         "Can I {open} a new {account} online without visiting a branch?",
         "My partner and I want to {open} a new {account} together.",
         "What is the minimum age to {open} a new {account}?",
         "I'm a student, can I {open} a new {account}?",
         "Help me {open} a new {account} please."),
        ("I decided to {open} a new {account} after I started my first job",
         "it took ten minutes to {open} a new {account} on my phone",
         "my parents helped me {open} my first {account} when I was sixteen"),
        ("You can {open} a new {account} in the app in about ten minutes.",
         "To {open} a new {account}, you need a passport or national ID card and proof of address.",
         "Anyone over eighteen can {open} a new {account}; younger customers need a parent.",
         "It is free to {open} a new {account}, and there is no minimum balance."),
    ),
    Intent(
        "close_account", "Closing your account",
        {"close": ("close", "shut down", "terminate", "delete", "get rid of", "end"),
         "reason": ("I'm switching banks", "I'm moving abroad", "I don't use it anymore", "I found a better offer",
                    "I'm not happy with the service", "I have too many accounts", "I'm leaving the country")},
        ("I want to {close} my account.",
         "How do I {close} my account? {reason}.",
         "Please {close} my account, {reason}.",
         "Can you {close} my account today?",
         "What happens to my money if I {close} my account?",
         "I'd like to {close} my account and move my savings elsewhere.",
         "{reason}, so I need to {close} my account.",
         "Is there a fee to {close} my account?",
         "Can I {close} my account from the app?",
         "I've decided to {close} my account, {reason}.",
         "What steps do I follow to {close} my account?",
         "Please {close} this account and send the balance to my other bank.",
         "I no longer want this account, please {close} the account for me.",
         "Before I {close} my account, how do I get my statements?"),
        ("I finally decided to {close} my account because {reason}",
         "it took a week to {close} my account",
         "the bank tried to keep me when I asked to {close} my account"),
        ("Before you {close} your account, move any money left in it to another bank.",
         "You can {close} your account in the app under settings, or ask us to do it for you.",
         "We are sorry to see you go; is there anything we could have done better?",
         "Once you {close} your account, your cards stop working straight away."),
        key_slots=("close",),
    ),
    Intent(
        "dispute_charge", "Disputing a payment",
        {"charge": ("charge", "transaction", "payment", "debit", "deduction", "withdrawal"),
         "unknown": ("don't recognise", "didn't make", "never authorised", "know nothing about", "didn't agree to",
                     "can't account for")},
        ("There is a {charge} of {amount} from {merchant} that I {unknown}.",
         "I {unknown} a {charge} on my statement.",
         "I want to dispute a {charge} I {unknown}.",
         "Someone made a {charge} of {amount} that I {unknown}.",
         "Why is there a {charge} from {merchant}? I {unknown} it.",
         "I {unknown} the {charge} from {merchant} {time}.",
         "There's a {charge} I {unknown}, can you investigate?",
         "I was charged twice by {merchant} and I {unknown} the second {charge}.",
         "A {charge} for {amount} showed up and I {unknown} it.",
         "How do I challenge a {charge} I {unknown}?",
         "My statement shows a {charge} from {merchant} I {unknown}.",
         "Please look into this {charge}, I {unknown} it.",
         "I see a {charge} of {amount} that I {unknown}, is it fraud?",
         "There are two {charge}s from {merchant} and I {unknown} either."),
        ("I found a {charge} of {amount} from {merchant} that I {unknown}",
         "my statement had a {charge} I {unknown}, so I called the bank",
         "there was a small {charge} every month that I {unknown}"),
        ("If you see a {charge} you {unknown}, first check whether a family member used your card.",
         "We can open a dispute for any {charge} you {unknown}, and the merchant has to reply within two weeks.",
         "While we look into the {charge}, we may give you a temporary credit.",
         "To keep you safe, we will freeze your card if a {charge} looks like fraud."),
    ),
    Intent(
        "fees_question", "Fees and charges",
        {"fee": ("fee", "commission", "surcharge", "transaction fee", "handling fee", "processing fee"),
         "what": ("using a cash machine abroad", "sending money overseas", "paying in another currency",
                  "getting a second card", "withdrawing cash", "receiving money from abroad",
                  "paying by card in a shop")},
        ("Is there any {fee} for {what}?",
         "How much is the {fee} for {what}?",
         "Do you take any {fee} when I am {what}?",
         "What {fee} do I pay for {what}?",
         "I was surprised by a {fee} on my statement, what is it for?",
         "Can you explain the {fee} for {what}?",
         "Why did you take a {fee} of {amount}?",
         "Is {what} free, or is there a {fee}?",
         "What is the monthly {fee} for my account?",
         "Are there any hidden {fee}s I should know about?",
         "I want to know the {fee} before {what}.",
         "Tell me about the {fee} for {what}.",
         "Does my plan include a {fee} for {what}?",
         "Will I pay a {fee} for {what} on holiday?"),
        ("nobody told me about the {fee} for {what}",
         "I compared the {fee} for {what} at three banks",
         "I was shocked to pay a {fee} of {amount} just for {what}"),
        ("The {fee} for {what} is shown in the app before you confirm.",
         "Most everyday payments have no {fee}, but {what} may cost a little extra.",
         "You can find every {fee} we take in the price list on our website.",
         "Premium customers pay no {fee} for {what}."),
        key_slots=("fee",),
    ),
    Intent(
        "card_declined", "Declined card payments",
        {"declined": ("declined", "refused", "rejected", "turned down", "knocked back", "denied")},
        ("My {card} was {declined} at {merchant}.",
         "Why was my {card} {declined} {time}?",
         "I have money in my account but my {card} got {declined}.",
         "My {card} keeps getting {declined} online.",
         "My payment of {amount} was {declined}, why?",
         "My {card} was {declined} at the till and it was embarrassing.",
         "Is there a problem with my {card}? It was {declined} {place}.",
         "Every time I pay at {merchant} my {card} is {declined}.",
         "My {card} was {declined} abroad in {city}.",
         "Why would my {card} be {declined} when the balance is fine?",
         "My {card} was {declined} again, what is going on?",
         "I tried to buy the {product} and my {card} was {declined}.",
         "My {card} got {declined} even though it is brand new.",
         "The shop said my {card} was {declined}, can you check?"),
        ("my {card} was {declined} at {merchant} even though I had money",
         "I was embarrassed when my {card} got {declined} {place}",
         "my {card} was {declined} three times before it finally worked"),
        ("A {card} can be {declined} if the shop cannot reach us, so please try again in a few minutes.",
         "If your {card} was {declined} abroad, check that payments abroad are switched on in the app.",
         "Payments are sometimes {declined} when they look unusual, to protect you from fraud.",
         "Check your daily spending limit, because a {card} is {declined} once you reach it."),
    ),
    Intent(
        "contact_human", "Contacting our team",
        {"talk": ("talk to", "speak to", "speak with", "chat with", "get hold of", "be put through to"),
         "human": ("a human", "a real person", "an agent", "someone from your team", "a live agent",
                   "an actual person")},
        ("I want to {talk} {human}.",
         "Can I {talk} {human} please?",
         "How do I {talk} {human}? The bot is useless.",
         "Let me {talk} {human}.",
         "Is there a phone number so I can {talk} {human}?",
         "I'd rather {talk} {human} about this.",
         "Stop sending me articles, I need to {talk} {human}.",
         "Please let me {talk} {human} now.",
         "Is it possible to {talk} {human} at the weekend?",
         "This is urgent, I must {talk} {human}.",
         "I've been going in circles, can I {talk} {human}?",
         "What hours can I {talk} {human}?",
         "Could you connect me so I can {talk} {human}?"),
        ("after ten minutes with the bot I asked to {talk} {human}",
         "I finally managed to {talk} {human} and the problem was solved",
         "all I wanted was to {talk} {human} for two minutes"),
        ("You can {talk} {human} by phone from eight in the morning to eight in the evening.",
         "If the assistant cannot help, type 'agent' and we will connect you so you can {talk} {human}.",
         "Our team replies in the chat within a few minutes if you want to {talk} {human}."),
    ),
)

OUT_OF_SCOPE_TEMPLATES = (
    "What's the weather like in {city} tomorrow?",
    "Tell me a joke about {animal}.",
    "How do I make {dish} at home?",
    "Who won the football match last night?",
    "Set an alarm for {clock}.",
    "Play some {genre} music.",
    "What's a good recipe for {dish}?",
    "Can you recommend a good book about {hobby}?",
    "What time is it in {city} right now?",
    "How do you say good morning in {language}?",
    "How many calories are in {food}?",
    "Remind me to call my mum at {clock}.",
    "What's the capital of {country}?",
    "Is it going to rain this weekend?",
    "What's the best way to get into {hobby}?",
    "How do I fix a flat bike tyre?",
    "Do you like {genre}?",
    "How long should I boil {food}?",
    "Book me a table for two tonight.",
    "How far is {city} from {city2}?",
    "What films are on at the cinema tonight?",
    "Can you help me with my maths homework?",
    "How do I grow {food} on a balcony?",
    "Are you a robot?",
    "How do I teach my dog to sit?",
    "What should I cook for dinner, maybe {dish}?",
    "Find me a cheap flight to {city}.",
    "Turn on the living room lights.",
    "Recommend a podcast about {hobby}.",
    "Is {food} good for you?",
    "Who sings that song about {animal}?",
    "How old is the universe?",
    "What's the score in the {event}?",
    "Give me a fun fact about {animal}.",
    "I'm bored, what should I do this evening?",
    "Write a short poem about {animal}.",
)
OOS_SLOTS: dict[str, tuple[str, ...]] = {
    "animal": ("cats", "penguins", "elephants", "owls", "dolphins", "giraffes", "bees", "horses", "octopuses",
               "foxes", "tortoises", "parrots"),
    "dish": ("lasagne", "chicken curry", "pancakes", "risotto", "banana bread", "vegetable soup", "paella",
             "a stir fry", "chilli", "sushi", "apple pie", "fish tacos"),
    "clock": ("seven", "6:30", "half past eight", "noon", "ten tonight", "5 am", "quarter to nine", "midnight"),
    "genre": ("jazz", "rock", "classical", "reggae", "hip hop", "country", "blues", "techno", "folk"),
    "hobby": ("gardening", "chess", "photography", "knitting", "astronomy", "cooking", "running", "painting",
              "birdwatching", "woodwork"),
    "food": ("an egg", "rice", "an avocado", "pasta", "a banana", "potatoes", "spinach", "tomatoes", "chocolate",
             "porridge", "carrots", "peanut butter"),
}
OPENERS = ("Hi", "Hello", "Hey", "Hi there", "Good morning", "Good evening", "Hello team", "Excuse me",
           "Quick question", "Hey guys", "Hiya", "Dear support", "Um", "So", "Hello again", "Hi support")
CLOSERS = ("Thanks", "Thank you", "Thanks in advance", "Cheers", "Please help", "Any help appreciated",
           "Thank you so much", "Many thanks", "Asap please", "Appreciate it", "Ta", "Help me out here")


def synonym_parts(seed: int) -> dict[str, dict[str, dict[str, tuple[str, ...]]]]:
    """``{intent: {slot: {part: synonyms}}}`` for every intent slot (parts: train, corpus, valid, test).

    The plain word (the first synonym) always stays in train.
    """
    return {
        intent.name: {slot: partition(words, f"{intent.name}.{slot}", seed, pin_first=True, pinned=ordinary(words))
                      for slot, words in intent.slots.items()}
        for intent in INTENTS
    }


@lru_cache(maxsize=4)
def phrasing(seed: int) -> dict[str, Pool]:
    """Partitioned templates (per label; train/valid/test), openers, closers and out-of-scope slot values."""
    found: dict[str, Pool] = {}
    for intent in INTENTS:
        found[f"templates.{intent.name}"] = Pool(intent.name, intent.templates, partition(
            intent.templates, f"templates.{intent.name}", seed, fractions=LABELLED_FRACTIONS))
    found[f"templates.{OUT_OF_SCOPE}"] = Pool(OUT_OF_SCOPE, OUT_OF_SCOPE_TEMPLATES, partition(
        OUT_OF_SCOPE_TEMPLATES, "templates.oos", seed, fractions=LABELLED_FRACTIONS))
    for name, items in {"opener": OPENERS, "closer": CLOSERS, **OOS_SLOTS}.items():
        found[name] = Pool(name, items, partition(items, name, seed, pinned=ordinary(items)))
    return found


def slot_value(slot: str, rng: random.Random, seed: int, split: str,
               synonyms: dict[str, dict[str, tuple[str, ...]]]) -> str:
    """A value for ``{slot}`` in ``split``: an intent synonym, a shared pool value or an out-of-scope word."""
    if slot in synonyms:
        return rng.choice(synonyms[slot][split])
    shared = pools(seed)
    if slot == "amount":
        return lexicon.money(rng, seed, split)
    if slot == "amount_number":
        return shared["amount"].pick(rng, split)
    if slot in ("currency2", "city2"):
        return shared[slot[:-1]].pick(rng, split)
    if slot in shared:
        return shared[slot].pick(rng, split)
    return phrasing(seed)[slot].pick(rng, split)


def render(template: str, rng: random.Random, seed: int, split: str,
           synonyms: dict[str, dict[str, tuple[str, ...]]]) -> str:
    """Fill a template for ``split`` (``"pretrain"``: train and corpus values, as the corpus does)."""
    chosen: dict[str, str] = {}

    def value(slot: str) -> str:
        text = slot_value(slot, rng, seed, split, synonyms)
        if slot.endswith("2") and slot[:-1] not in lexicon.PAIRED:
            raise ValueError(f"{{{slot}}} needs two different {slot[:-1]} values: add it to lexicon.PAIRED")
        while slot.endswith("2") and text == chosen.get(slot[:-1]):
            text = slot_value(slot, rng, seed, split, synonyms)
        chosen[slot] = text
        return text

    return fill(template, value)


def intent_synonyms(intent: Intent, seed: int) -> dict[str, dict[str, tuple[str, ...]]]:
    """``{slot: {part or "pretrain": synonyms}}`` for one intent."""
    return {slot: {**parts, PRETRAIN: pretrain_values(intent.slots[slot], parts)}
            for slot, parts in synonym_parts(seed)[intent.name].items()}


def slot_pools(template: str) -> list[str]:
    """The pools a template's slots draw from: ``{currency2}`` -> ``currency``, ``{amount_number}`` -> ``amount``."""
    names = []
    for slot in SLOT.findall(template):
        name = "amount" if slot == "amount_number" else slot[:-1] if slot.endswith("2") else slot
        names.append(name)
    return names


@lru_cache(maxsize=4)
def held_out_values(seed: int) -> dict[str, tuple[str, ...]]:
    """The valid and test values of every pool an intent message draws a slot from: ``{pool: values}``.

    Pools: each intent's synonym slots (``card_lost.lost``), the shared pools the templates use
    (``card``, ``product``, ``city`` ...) and the out-of-scope words (``dish``, ``hobby`` ...).
    None of them may occur in the pretraining corpus.
    """
    found: dict[str, tuple[str, ...]] = {}
    for intent, slots in synonym_parts(seed).items():
        for slot, parts in slots.items():
            found[f"{intent}.{slot}"] = tuple(v for part in HELD_OUT for v in parts[part])
    shared = {**lexicon.pools(seed), **phrasing(seed)}
    for name in shared_pools_used():
        found[name] = tuple(v for part in HELD_OUT for v in shared[name].parts[part])
    return found


def shared_pools_used() -> list[str]:
    """The shared pools intent and out-of-scope templates fill slots from (``card``, ``city``, ``dish`` ...)."""
    used = {name for template in (*[t for i in INTENTS for t in i.templates], *OUT_OF_SCOPE_TEMPLATES)
            for name in slot_pools(template)}
    return sorted(used - {slot for intent in INTENTS for slot in intent.slots})


def normal(text: str) -> str:
    """Lower case without final punctuation: the form in which messages count as duplicates."""
    return text.lower().rstrip(".!? ")


def noisy(text: str, rng: random.Random) -> str:
    """Make a message look typed: sometimes lower case, no final stop, or one swapped-letter typo."""
    if rng.random() < 0.35:
        text = text.lower()
    if rng.random() < 0.25 and text[-1:] in ".!":
        text = text[:-1]
    if rng.random() < 0.08:
        words = text.split(" ")
        long_words = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
        if long_words:
            i = rng.choice(long_words)
            j = rng.randrange(1, len(words[i]) - 2)
            w = words[i]
            words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
            text = " ".join(words)
    return text


def message(body: str, rng: random.Random, seed: int, split: str) -> str:
    """Wrap a message body in an optional greeting and sign-off of ``split``, then add typing noise."""
    phr = phrasing(seed)
    if rng.random() < 0.35:
        if not body.startswith(("I ", "I'")):
            body = body[:1].lower() + body[1:]
        body = f"{phr['opener'].pick(rng, split)}{rng.choice((',', '!', ''))} {body}"
    if rng.random() < 0.3:
        body = f"{body} {phr['closer'].pick(rng, split)}{rng.choice(('.', '!', ''))}"
    return noisy(body, rng)


@lru_cache(maxsize=4)
def build(seed: int = 0) -> dict[str, list[tuple[str, str]]]:
    """The three splits as lists of ``(text, label)``; texts are unique across all splits."""
    labels = [intent.name for intent in INTENTS] + [OUT_OF_SCOPE]
    size_rng = random.Random(f"intents:{seed}:sizes")
    sizes = {label: {"train": size_rng.randint(*TRAIN_SIZE), "valid": VALID_SIZE, "test": TEST_SIZE}
             for label in labels}
    seen: set[str] = set()
    data: dict[str, list[tuple[str, str]]] = {split: [] for split in SPLITS}
    for split in SPLITS:
        rng = random.Random(f"intents:{seed}:{split}")
        for label in labels:
            intent = next((i for i in INTENTS if i.name == label), None)
            synonyms = intent_synonyms(intent, seed) if intent else {}
            templates = phrasing(seed)[f"templates.{label}"].values(split)
            want, attempt = sizes[label][split], 0
            rows: list[tuple[str, str]] = []
            while len(rows) < want:
                if attempt == want * 200:
                    raise RuntimeError(f"could not make {want} distinct {split} messages for {label}")
                body = render(templates[attempt % len(templates)], rng, seed, split, synonyms)
                text = message(body, rng, seed, split)
                attempt += 1
                if normal(text) not in seen:
                    seen.add(normal(text))
                    rows.append((text, label))
            data[split].extend(rows)
        rng.shuffle(data[split])
    return data


def write(out_dir: Path, seed: int = 0) -> list[Path]:
    """Write ``train.csv``, ``valid.csv``, ``test.csv`` and ``README.md`` into ``out_dir``."""
    data = build(seed)
    paths = []
    for split in SPLITS:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(("text", "label"))
        writer.writerows(data[split])
        paths.append(write_text(out_dir / f"{split}.csv", buf.getvalue()))
    paths.append(write_text(out_dir / "README.md", card(data, seed)))
    return paths


def card(data: dict[str, list[tuple[str, str]]], seed: int) -> str:
    """The data-set card, every number computed from ``data``."""
    counts = {split: Counter(label for _, label in rows) for split, rows in data.items()}
    labels = [intent.name for intent in INTENTS] + [OUT_OF_SCOPE]
    dist = table(["label", *SPLITS], [[label, *(counts[s][label] for s in SPLITS)] for label in labels]
                 + [["**total**", *(len(data[s]) for s in SPLITS)]])
    parts = synonym_parts(seed)
    syn_rows = []
    for intent in INTENTS:
        for slot in intent.key_slots:
            p = parts[intent.name][slot]
            syn_rows.append([intent.name, f"`{{{slot}}}`", *(", ".join(p[s]) or "(none)" for s in PARTS)])
    from . import corpus  # late import: corpus imports this module

    leak, found = corpus.held_out(seed), corpus.leaks(seed)
    shared = {**lexicon.pools(seed), **phrasing(seed)}
    pools_used = [w[1:] for i in INTENTS for w in i.slots.values()]  # the plain word is in train anyway
    pools_used += [shared[name].items for name in (*shared_pools_used(), "opener", "closer")]
    kept = sorted({v for words in pools_used for v in ordinary(words)}, key=str.lower)
    pinned = ", ".join(f"`{v}`" for v in kept)

    def fr(fractions: dict[str, float]) -> str:
        return "/".join(f"{fractions[part] * 100:.0f}" for part in PARTS if part in fractions)

    phr = phrasing(seed)
    n_templates = {s: sum(len(phr[f"templates.{label}"].values(s)) for label in labels) for s in SPLITS}
    examples = "\n".join(f"- `{split}` ({label}): {text}" for split in SPLITS
                         for text, label in data[split][:3])
    lengths = [len(text.split()) for rows in data.values() for text, _ in rows]
    return f"""# intents: customer-support messages and their intent

Generated by `datasets/generate.py` (module `datasets.generator.intents`, seed {seed}). Do not edit by hand:
change the generator and run it again.

## What it is

Short messages a customer might type into a bank or shop's support chat, each labelled with one of
{len(INTENTS)} intents, plus `{OUT_OF_SCOPE}` for chit-chat and requests from other domains
(weather, recipes, music ...). Files: `train.csv`, `valid.csv`, `test.csv`, each with the header
`text,label`, quoted by Python's `csv` module. Messages are {min(lengths)} to {max(lengths)} words long
(mean {sum(lengths) / len(lengths):.1f}).

Examples:

{examples}

## Sizes and label distribution

{dist}

## How it is made

Each intent has {min(len(i.templates) for i in INTENTS)}–{max(len(i.templates) for i in INTENTS)} message
templates with slots. Key slots hold synonyms of the intent's topic words (`{{lost}}`: lost, misplaced,
mislaid ...); shared slots hold cards, products, amounts, currencies, cities, times, places and shops from
`datasets/generator/lexicon.py`. A message is a filled template, sometimes with a greeting and a sign-off, and
with typing noise: about a third are all lower case, some lack the final full stop, a few have two letters
swapped. Duplicates (ignoring case and final punctuation) are dropped across all splits.

## How test differs from train

Everything a message is built from is partitioned, deterministically from the seed, into disjoint parts:

- the templates of every label into train / valid / test = {fr(LABELLED_FRACTIONS)} %
  (train {n_templates['train']}, valid {n_templates['valid']}, test {n_templates['test']} templates in all),
  so test phrasings never occur in train;
- the synonyms of every slot, greetings, sign-offs and every shared slot pool (cards, products, amounts,
  currencies, cities, out-of-scope words ...) into train / corpus / valid / test = {fr(FRACTIONS)} %,
  so test messages use words the training split never used for that intent. The corpus part is what
  the pretraining corpus uses besides train.

The plain word of a synonym slot, and any value that the kit's fixed sentences (the literal text of
the templates and of the corpus's sentences) use as an ordinary word, always stay in train: they appear
in every split or in the corpus anyway, so they cannot be held out: {pinned}.

A model that only memorised training words meets unknown words at test time. The pretraining corpus
(`datasets/corpus`) uses only the train parts and its own corpus parts, in its own sentences, never a
template: its corpus-only synonyms sit next to the same topic words as the train ones, which teaches how
synonyms work, but it never shows a valid or test synonym. Leak checks, measured on the generated
files (`tests/test_datagen.py` measures them again; words in lower case, punctuation ignored, one corpus
line at a time):

- valid and test messages that share a run of six words with a corpus line (a message shorter than six
  words: all of its words): **{found['messages']}** of {len(leak['messages'])};
- valid and test values of the slot pools (synonyms, cards, products, cities, out-of-scope words ...)
  found in the corpus as whole words: **{found['values']}** of {len(leak['values'])}.

Key-slot synonyms per part:

{table(["intent", "slot", *PARTS], syn_rows)}

## Known limits

- Templated text: the grammar is clean and the variety is far below real chat logs.
- Labels are exact by construction; real sets have ambiguous and mislabelled messages.
- Synonyms are held out as phrases: a test-only phrase can share a word with a train one
  (`PIN code` / `PIN`), and general words (`card`, `account`, `order`) occur in every split.
- English only; amounts use $, €, £ and a few currency names.
"""
