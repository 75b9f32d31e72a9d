"""Speakers behind works, titles and headlines: "according to an analysis by X", a role named
before its person, a title NER took for the name, a title-case headline. Invented texts;
names, places and organisations are fictional."""

from __future__ import annotations

from test_extract_cases import describe, run, with_content

from saidwhat import Extractor


def test_analysis_by_a_person_gives_the_person(extractor: Extractor) -> None:
    text = ("Some families would pay more under the plan, according to an analysis by "
            "Lily Brand, a former tax aide.\n")
    q = with_content(run(extractor, text), "Some families would pay more under the plan")
    assert q.speaker.name == "Lily Brand", describe([q])


def test_report_by_a_body_gives_the_body(extractor: Extractor) -> None:
    text = "Rents will rise by a fifth, according to a report by the Housing Council.\n"
    q = with_content(run(extractor, text), "Rents will rise by a fifth")
    assert q.speaker.name == "Housing Council", describe([q])
    assert q.speaker.type == "organization", describe([q])


def test_speech_a_person_delivered_gives_the_person(extractor: Extractor) -> None:
    text = ("Margit Kemp said on Monday that the fund would grow.\n\n"
            "The goal is to curb short-term investors, according to a speech Mrs. Kemp "
            "delivered in July.\n")
    q = with_content(run(extractor, text), "The goal is to curb short-term investors")
    assert q.speaker.name == "Margit Kemp", describe([q])


def test_a_work_with_no_author_stays_itself(extractor: Extractor) -> None:
    # no author named: the speaker is not some person named nearby
    text = ("Olek Varga opened the new ward on Monday.\n\n"
            "Waiting times will double, according to a report.\n")
    q = with_content(run(extractor, text), "Waiting times will double")
    assert q.speaker.name != "Olek Varga", describe([q])


def test_role_named_before_its_person_in_a_lede(extractor: Extractor) -> None:
    text = ("Larnia will double its solar capacity by 2032, the energy minister said on "
            "Friday.\n\n"
            "Energy Minister Tove Ranald said solar power was the only way to replace coal.\n")
    q = with_content(run(extractor, text), "Larnia will double its solar capacity by 2032")
    assert q.speaker.name == "Tove Ranald", describe([q])


def test_role_before_two_people_of_that_role_is_nobody_named(extractor: Extractor) -> None:
    text = ("Larnia will double its solar capacity by 2032, the minister said on Friday.\n\n"
            "Energy Minister Tove Ranald and Finance Minister Ewan Castell met in the "
            "capital.\n")
    q = with_content(run(extractor, text), "Larnia will double its solar capacity by 2032")
    assert q.speaker.name not in ("Tove Ranald", "Ewan Castell"), describe([q])


def test_a_different_occupation_is_not_the_person_just_named(extractor: Extractor) -> None:
    text = ("The lawyer, Mark Dunmore, said in a letter that the hearing was fruitless.\n\n"
            "The mayor has called the plan a disaster.\n")
    q = with_content(run(extractor, text), "the plan a disaster")
    assert q.speaker.name != "Mark Dunmore", describe([q])


def test_a_title_ner_took_for_the_name(extractor: Extractor) -> None:
    text = ("Speed limits on rural roads will fall next year.\n\n"
            "Garda Superintendent Liam Doyle said lower limits alone would not make roads "
            "safer without more enforcement.\n")
    q = with_content(run(extractor, text), "lower limits alone would not make roads safer without more enforcement")
    assert q.speaker.name == "Liam Doyle", describe([q])


def test_a_headline_verb_is_no_part_of_a_name(extractor: Extractor) -> None:
    text = ("Hartley Seeks More Funding As He Opens Clinic.\n\n"
            "Governor Paul Hartley called for more money for rural clinics on Monday.\n\n"
            "\"We are reminded of the families who wait for months,\" Hartley said.\n")
    q = with_content(run(extractor, text), "We are reminded of the families who wait for months,")
    assert q.speaker.name == "Paul Hartley", describe([q])


def test_a_headline_role_is_the_person_the_lede_names(extractor: Extractor) -> None:
    text = ("Minister backs ferry subsidy for island routes\n\n"
            "The islands minister, Morwenna Tresize, said on Monday that the subsidy would "
            "keep fares on the Scilla crossing at their current level.\n")
    q = with_content(run(extractor, text), "ferry subsidy for island routes")
    assert q.speaker.name == "Morwenna Tresize", describe([q])


def test_a_headline_role_is_found_through_an_abbreviated_title(extractor: Extractor) -> None:
    # "Gov." before the name is the governor the headline names by role
    text = ("Governor says she will sign water bill\n\n"
            "DELMAR — Gov. Rosalind Okafor said Tuesday that she would sign a bill to "
            "replace lead pipes in every school by 2030.\n")
    qs = run(extractor, text)
    q = with_content(qs, "she will sign water bill")
    assert q.speaker.name == "Rosalind Okafor", describe([q])
    lede = with_content(qs, "that she would sign a bill to replace lead pipes in every school by 2030")
    assert lede.speaker.role == "governor", describe([lede])


def test_a_headline_role_two_people_hold_is_nobody_named(extractor: Extractor) -> None:
    text = ("Minister backs ferry subsidy for island routes\n\n"
            "The islands minister, Sarah Collins, said the subsidy was overdue. The "
            "finance minister, David Morgan, said it would cost £4m a year.\n")
    q = with_content(run(extractor, text), "ferry subsidy for island routes")
    assert q.speaker.name not in ("Sarah Collins", "David Morgan"), describe([q])


def test_a_bare_role_in_body_text_looks_back_not_ahead(extractor: Extractor) -> None:
    # below the headline and deck, a bare role is not the person named after it
    text = ("Toll to rise on the Carrow Bridge\n\n"
            "Drivers will pay more from the spring.\n\n"
            "The toll will rise from £2 to £3.50. Minister said the rise was needed, aides "
            "said.\n\n"
            "Alun Reddaway, the transport minister, was not available on Tuesday.\n")
    q = with_content(run(extractor, text), "the rise was needed")
    assert q.speaker.name != "Alun Reddaway", describe([q])


def test_a_title_before_the_name_keeps_the_apposition_role(extractor: Extractor) -> None:
    # "Rep." adds a role; the apposition's "committee chair" still finds her later
    text = ("Rep. Jane Doe, the committee chair, said the hearing would go ahead.\n\n"
            "Sen. John Smith said he would testify.\n\n"
            "The chair said the hearing would be public.\n")
    q = with_content(run(extractor, text), "the hearing would be public")
    assert q.speaker.name == "Jane Doe", describe([q])


def test_a_split_abbreviated_title_gives_no_role(extractor: Extractor) -> None:
    # "Lt. Gov." is the lieutenant governor: no governor for the headline's "Governor"
    text = ("Governor says school bill is dead\n\n"
            "DELMAR — Lt. Gov. Rosalind Okafor said Tuesday that the school bill would not "
            "pass this session.\n")
    q = with_content(run(extractor, text), "school bill is dead")
    assert q.speaker.name != "Rosalind Okafor", describe([q])


def test_a_bare_role_is_not_a_lesser_or_shadow_office(extractor: Extractor) -> None:
    shadow = ("Minister attacks toll rise\n\n"
              "The shadow transport minister, Alun Reddaway, said the rise would hurt "
              "commuters.\n")
    q = with_content(run(extractor, shadow), "toll rise")
    assert q.speaker.name != "Alun Reddaway", describe([q])
    vice = ("President says trade deal is close\n\n"
            "Vice President Jane Doe said on Monday that talks would resume in May.\n")
    q = with_content(run(extractor, vice), "trade deal is close")
    assert q.speaker.name != "Jane Doe", describe([q])


def test_a_deck_role_with_a_place_is_the_person_with_that_role(extractor: Extractor) -> None:
    # "Senator from Delmar" is no organisation: the senator the article names
    text = ("Vance backs the water levy after all.\n\n"
            "Senator from Delmar says the levy will keep the taps running.\n\n"
            "Sen. Lorna Vance said on Monday that she had changed her mind after the drought.\n")
    q = with_content(run(extractor, text), "the levy will keep the taps running")
    assert q.speaker.name == "Lorna Vance", describe([q])


def test_a_headline_role_nobody_holds_stays_unresolved(extractor: Extractor) -> None:
    text = ("Bank chief says rates will rise\n\n"
            "Interest rates will rise in the spring, said Lorna Vance, a Delmar shopkeeper.\n")
    q = with_content(run(extractor, text), "rates will rise")
    assert q.speaker.name != "Lorna Vance", describe([q])


def test_a_relative_clause_on_an_apposition_is_the_named_persons(extractor: Extractor) -> None:
    # "X, a staffer who told ...": the clause hangs on the apposition; the speaker is X
    text = ("The inquiry named Tomas Reyl, a records officer at the ministry who told his"
            " staff never to discuss the archive.\n")
    q = with_content(run(extractor, text), "his staff never to discuss the archive")
    assert q.speaker.name == "Tomas Reyl", describe([q])
    assert q.speaker.type == "person", describe([q])


def test_a_coordination_before_the_apposition_is_not_cut_to_its_first_name(
        extractor: Extractor) -> None:
    # "A and B, the two largest members, which vowed ...": not A alone
    text = ("Much of the push came from Norland and Vestria, the two largest members, which"
            " together vowed to cut fishing quotas.\n")
    q = with_content(run(extractor, text), "to cut fishing quotas")
    assert q.speaker.name not in ("Norland", "Vestria"), describe([q])


def test_an_ad_speaks_for_whoever_released_it(extractor: Extractor) -> None:
    text = ("The Marr campaign released an ad on Friday that cast Senator Ola Brisk as unfit"
            " to lead the committee.\n")
    q = with_content(run(extractor, text), "Senator Ola Brisk as unfit to lead the committee")
    assert q.speaker.name in ("Marr campaign", "The Marr campaign"), describe([q])


def test_verbs_of_attack_label_their_target_with_as(extractor: Extractor) -> None:
    text = ("The mayor has been hammering the developer as a friend of the speculators.\n\n"
            "Tenant groups are bashing the scheme as a gift to landlords.\n\n"
            "He pounded the table in anger.\n")
    quotes = run(extractor, text)
    with_content(quotes, "the developer as a friend of the speculators")
    with_content(quotes, "the scheme as a gift to landlords")
    assert not any("table" in q.content.text for q in quotes), describe(quotes)


def test_a_party_short_name_finds_the_person_introduced_with_the_party(
        extractor: Extractor) -> None:
    # "the GOP nominee" is the one introduced as the Republican nominee, not the last person
    text = ("Republican nominee Dana Voss spoke in Akron on Monday. Democratic nominee Ruth"
            " Alder was in Tampa.\n\nThe GOP nominee said the bridge would be rebuilt.\n")
    q = with_content(run(extractor, text), "the bridge would be rebuilt")
    assert q.speaker.name == "Dana Voss", describe([q])


def test_a_description_of_another_party_is_not_the_last_person(extractor: Extractor) -> None:
    # the only nominee named is a Republican: "the Democratic nominee" is left unresolved
    text = ("Dana Voss, the Republican nominee, spoke in Akron on Monday.\n\n"
            "The Democratic nominee said the bridge would be rebuilt.\n")
    q = with_content(run(extractor, text), "the bridge would be rebuilt")
    assert q.speaker.name != "Dana Voss", describe([q])


def test_a_mogul_is_the_person_just_spoken_of(extractor: Extractor) -> None:
    text = ("Senator Ola Brisk urged voters to shun Gordon Pratt after the billionaire estate mogul"
            " claimed that the judge was biased.\n")
    q = with_content(run(extractor, text), "that the judge was biased")
    assert q.speaker.name == "Gordon Pratt", describe([q])


def test_his_campaign_is_named_after_the_person(extractor: Extractor) -> None:
    text = ("Gordon Pratt spoke in Akron on Monday.\n\n"
            "His campaign said the rally drew ten thousand people.\n\n"
            "Ruth Alder was in Tampa, where her office said the bridge would be rebuilt.\n")
    quotes = run(extractor, text)
    q = with_content(quotes, "the rally drew ten thousand people")
    assert q.speaker.name == "Gordon Pratt's campaign", describe([q])
    assert q.speaker.type == "organization", describe([q])
    q = with_content(quotes, "the bridge would be rebuilt")
    assert q.speaker.name == "Ruth Alder's office", describe([q])


def test_a_party_description_finds_the_one_person_of_that_party(extractor: Extractor) -> None:
    # nobody is introduced as a nominee; one person as the Republican candidate
    text = ("Gordon Pratt, the Republican candidate, spoke in Akron on Monday. Ruth Alder,"
            " the Democratic candidate, was in Tampa.\n\n"
            "The GOP nominee said the bridge would be rebuilt.\n")
    q = with_content(run(extractor, text), "the bridge would be rebuilt")
    assert q.speaker.name == "Gordon Pratt", describe([q])


def test_a_description_before_the_name_is_a_role_with_its_party(extractor: Extractor) -> None:
    # "Her Republican rival, Governor X, ...": later "the GOP nominee" is X
    text = ("Senator Ruth Alder, the Democratic nominee, spoke in Tampa on Monday.\n\n"
            "Her Republican rival, Governor Gordon Pratt, hammered the plan as a giveaway.\n\n"
            "Alder said the plan would pay for itself.\n\n"
            "\"We will never build it,\" the GOP nominee told supporters.\n")
    q = with_content(run(extractor, text), "We will never build it,")
    assert q.speaker.name == "Gordon Pratt", describe([q])
