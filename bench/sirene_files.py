"""Writes files in the layout of INSEE's SIRENE stock files: the establishments
(StockEtablissement) and the legal units (StockUniteLegale).

    python bench/sirene_files.py var/bench 1000000      # 1 million establishments, gzip

Used by the benchmarks, and to make the sample files the tests and `make run` load.
"""

import csv
import gzip
import random
import sys
from pathlib import Path

ESTABLISHMENT_HEADER = (
    "siren,nic,siret,statutDiffusionEtablissement,dateCreationEtablissement,"
    "trancheEffectifsEtablissement,anneeEffectifsEtablissement,"
    "activitePrincipaleRegistreMetiersEtablissement,dateDernierTraitementEtablissement,"
    "etablissementSiege,nombrePeriodesEtablissement,complementAdresseEtablissement,"
    "numeroVoieEtablissement,indiceRepetitionEtablissement,dernierNumeroVoieEtablissement,"
    "indiceRepetitionDernierNumeroVoieEtablissement,typeVoieEtablissement,"
    "libelleVoieEtablissement,codePostalEtablissement,libelleCommuneEtablissement,"
    "libelleCommuneEtrangerEtablissement,distributionSpecialeEtablissement,"
    "codeCommuneEtablissement,codeCedexEtablissement,libelleCedexEtablissement,"
    "codePaysEtrangerEtablissement,libellePaysEtrangerEtablissement,"
    "identifiantAdresseEtablissement,coordonneeLambertAbscisseEtablissement,"
    "coordonneeLambertOrdonneeEtablissement,complementAdresse2Etablissement,"
    "numeroVoie2Etablissement,indiceRepetition2Etablissement,typeVoie2Etablissement,"
    "libelleVoie2Etablissement,codePostal2Etablissement,libelleCommune2Etablissement,"
    "libelleCommuneEtranger2Etablissement,distributionSpeciale2Etablissement,"
    "codeCommune2Etablissement,codeCedex2Etablissement,libelleCedex2Etablissement,"
    "codePaysEtranger2Etablissement,libellePaysEtranger2Etablissement,dateDebut,"
    "etatAdministratifEtablissement,enseigne1Etablissement,enseigne2Etablissement,"
    "enseigne3Etablissement,denominationUsuelleEtablissement,activitePrincipaleEtablissement,"
    "nomenclatureActivitePrincipaleEtablissement,caractereEmployeurEtablissement"
).split(",")

LEGAL_UNIT_HEADER = (
    "siren,statutDiffusionUniteLegale,unitePurgeeUniteLegale,dateCreationUniteLegale,"
    "sigleUniteLegale,sexeUniteLegale,prenom1UniteLegale,prenom2UniteLegale,prenom3UniteLegale,"
    "prenom4UniteLegale,prenomUsuelUniteLegale,pseudonymeUniteLegale,"
    "identifiantAssociationUniteLegale,trancheEffectifsUniteLegale,anneeEffectifsUniteLegale,"
    "dateDernierTraitementUniteLegale,nombrePeriodesUniteLegale,categorieEntrepriseUniteLegale,"
    "anneeCategorieEntrepriseUniteLegale,dateDebut,etatAdministratifUniteLegale,nomUniteLegale,"
    "nomUsageUniteLegale,denominationUniteLegale,denominationUsuelle1UniteLegale,"
    "denominationUsuelle2UniteLegale,denominationUsuelle3UniteLegale,"
    "categorieJuridiqueUniteLegale,activitePrincipaleUniteLegale,"
    "nomenclatureActivitePrincipaleUniteLegale,nicSiegeUniteLegale,"
    "economieSocialeSolidaireUniteLegale,societeMissionUniteLegale,caractereEmployeurUniteLegale"
).split(",")


def luhn_digit(partial: str) -> str:
    """The digit that makes `partial + digit` pass the Luhn check."""
    for digit in "0123456789":
        total = 0
        for position, char in enumerate(reversed(partial + digit)):
            value = int(char) * (2 if position % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return digit
    raise AssertionError("unreachable")


def make_siren(number: int) -> str:
    partial = f"{number:08d}"
    return partial + luhn_digit(partial)


def make_siret(siren: str, establishment: int) -> str:
    partial = siren + f"{establishment:04d}"
    return partial + luhn_digit(partial)


def establishment_row(**values) -> list[str]:
    row = dict.fromkeys(ESTABLISHMENT_HEADER, "")
    row.update(
        statutDiffusionEtablissement="O",
        dateCreationEtablissement="2015-03-02",
        dateDernierTraitementEtablissement="2024-06-01T10:12:00",
        nombrePeriodesEtablissement="1",
        dateDebut="2015-03-02",
        nomenclatureActivitePrincipaleEtablissement="NAFRev2",
        caractereEmployeurEtablissement="N",
    )
    row.update(values)
    row["siret"] = row["siren"] + row["nic"]
    return [row[name] for name in ESTABLISHMENT_HEADER]


def legal_unit_row(**values) -> list[str]:
    row = dict.fromkeys(LEGAL_UNIT_HEADER, "")
    row.update(
        statutDiffusionUniteLegale="O",
        dateCreationUniteLegale="2015-03-02",
        dateDebut="2015-03-02",
        etatAdministratifUniteLegale="A",
        nomenclatureActivitePrincipaleUniteLegale="NAFRev2",
        nombrePeriodesUniteLegale="1",
    )
    row.update(values)
    return [row[name] for name in LEGAL_UNIT_HEADER]


WORDS = (
    "BOULANGERIE PATISSERIE GARAGE AUTO HOTEL RESTAURANT CAFE PHARMACIE COIFFURE BATIMENT "
    "PLOMBERIE ELECTRICITE TRANSPORTS IMMOBILIER CONSEIL INFORMATIQUE VOYAGES TELECOM ENERGIE "
    "ASSURANCES OPTIQUE FLEURS BIJOUTERIE LIBRAIRIE CHAUSSURES SPORT MEUBLES CUISINES JARDIN "
    "DUPONT MARTIN BERNARD THOMAS PETIT ROBERT RICHARD DURAND LEROY MOREAU SIMON LAURENT LEFEBVRE "
    "MICHEL GARCIA DAVID BERTRAND ROUX VINCENT FOURNIER MOREL GIRARD ANDRE MERCIER BLANC GUERIN "
    "DU CENTRE DE LA GARE DES ALPES DU SUD DE BRETAGNE DE PROVENCE ATLANTIQUE NORD EST OUEST"
).split()
STREETS = "RUE AV BD PL CHE ALL IMP RTE".split()
STREET_NAMES = (
    "DE LA REPUBLIQUE|VICTOR HUGO|JEAN JAURES|DE LA GARE|DU GENERAL DE GAULLE|PASTEUR|"
    "DES ECOLES|DE PARIS|NATIONALE|DU MOULIN|DE L EGLISE|GAMBETTA"
).split("|")
ACTIVITIES = "47.11F 56.10A 45.20A 10.71C 43.22A 68.31Z 62.01Z 79.11Z 47.73Z 96.02A 55.10Z".split()


# Real names also carry a long tail of rare words (surnames, invented brands):
# one name in two gets a word made of 2 or 3 of these syllables, hundreds of
# thousands of distinct words over a million establishments.
SYLLABLES = (
    "ba be bi bo bu ca ce ci co cu da de di do du fa fe fi fo ga ge gi go la le li lo lu ma me mi "
    "mo mu na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo "
    "bra bre cha che chi cla cra dra fla fra gra gre pla pra pre tra tre vra lan ran san tan ver "
    "mar par tor lor nor ser ter gal val bel del mel sel tel zel kar ker kor xa ya zo an en in on "
    "ou eau ard ert ier ot et and ens oux"
).split()


def rare_word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).upper()


def random_name(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(2, 4))]
    if rng.random() < 0.5:
        words.insert(rng.randrange(len(words) + 1), rare_word(rng))
    return " ".join(words)


def generate(directory: Path, count: int, seed: int = 42) -> tuple[Path, Path]:
    """`count` establishments (about 1.3 per legal unit) and their legal units, gzip."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    establishments = directory / f"StockEtablissement_{count}.csv.gz"
    legal_units = directory / f"StockUniteLegale_{count}.csv.gz"
    with (
        gzip.open(establishments, "wt", encoding="utf-8", newline="", compresslevel=1) as e_file,
        gzip.open(legal_units, "wt", encoding="utf-8", newline="", compresslevel=1) as l_file,
    ):
        e_writer, l_writer = csv.writer(e_file), csv.writer(l_file)
        e_writer.writerow(ESTABLISHMENT_HEADER)
        l_writer.writerow(LEGAL_UNIT_HEADER)
        written, unit = 0, 0
        while written < count:
            unit += 1
            siren = make_siren(100_000 + unit)
            name = random_name(rng)
            l_writer.writerow(legal_unit_row(siren=siren, denominationUniteLegale=name))
            for establishment in range(1, 1 + min(rng.choice((1, 1, 1, 2, 3)), count - written)):
                department = rng.randint(1, 95)
                department = 1 if department == 20 else department
                postal_code = f"{department:02d}{rng.randint(0, 9)}{rng.randint(0, 9)}0"
                nic = make_siret(siren, establishment)[9:]
                e_writer.writerow(
                    establishment_row(
                        siren=siren,
                        nic=nic,
                        etablissementSiege="true" if establishment == 1 else "false",
                        numeroVoieEtablissement=str(rng.randint(1, 200)),
                        typeVoieEtablissement=rng.choice(STREETS),
                        libelleVoieEtablissement=rng.choice(STREET_NAMES),
                        codePostalEtablissement=postal_code,
                        libelleCommuneEtablissement=f"COMMUNE {postal_code}",
                        codeCommuneEtablissement=postal_code,
                        etatAdministratifEtablissement="A" if rng.random() > 0.25 else "F",
                        enseigne1Etablissement=random_name(rng) if rng.random() < 0.3 else "",
                        activitePrincipaleEtablissement=rng.choice(ACTIVITIES),
                    )
                )
                written += 1
    return establishments, legal_units


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "var/bench")
    rows = int(float(sys.argv[2])) if len(sys.argv) > 2 else 1_000_000
    for path in generate(target, rows):
        print(path)
