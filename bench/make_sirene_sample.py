"""Writes companies/data/sirene_sample_*.csv: a few hand-made establishments and
legal units in the real SIRENE layout, covering the cases the import must handle
(head office and branches, closed, public administration, Corsica, overseas,
abroad, CEDEX, non-diffusible, La Poste). The tests and `make run` load them.

    python bench/make_sirene_sample.py
"""

import csv
from pathlib import Path

from sirene_files import (
    ESTABLISHMENT_HEADER,
    LEGAL_UNIT_HEADER,
    establishment_row,
    legal_unit_row,
    make_siren,
    make_siret,
)

DATA = Path(__file__).resolve().parents[1] / "companies" / "data"


def nic(siren: str, number: int) -> str:
    return make_siret(siren, number)[9:]


def la_poste_nic(number: int) -> str:
    """La Poste's SIRETs: the digits add up to a multiple of 5 (no Luhn)."""
    partial = f"{number:04d}"
    for digit in "0123456789":
        siret = "356000000" + partial + digit
        if sum(map(int, siret)) % 5 == 0:
            return partial + digit
    raise AssertionError


def main() -> None:
    bakery, market, plumber, town = (
        make_siren(81_230_001),
        make_siren(81_230_002),
        make_siren(81_230_003),
        make_siren(81_230_004),
    )
    pension, telecom, garage, hotel = (
        make_siren(81_230_005),
        make_siren(81_230_006),
        make_siren(81_230_007),
        make_siren(81_230_008),
    )
    importer, hidden, restaurant, energy = (
        make_siren(81_230_009),
        make_siren(81_230_010),
        make_siren(81_230_011),
        make_siren(81_230_012),
    )
    travel, no_legal_unit = make_siren(81_230_013), make_siren(81_230_014)

    def e(siren, number, **values):
        return establishment_row(siren=siren, nic=nic(siren, number), **values)

    street = {"numeroVoieEtablissement": "12", "typeVoieEtablissement": "RUE"}
    establishments = [
        e(
            bakery,
            1,
            etablissementSiege="true",
            libelleVoieEtablissement="DE LA ROQUETTE",
            codePostalEtablissement="75011",
            libelleCommuneEtablissement="PARIS",
            codeCommuneEtablissement="75111",
            etatAdministratifEtablissement="A",
            enseigne1Etablissement="AU BON PAIN",
            activitePrincipaleEtablissement="10.71C",
            **street,
        ),
        e(
            bakery,
            2,
            etablissementSiege="false",
            numeroVoieEtablissement="3",
            indiceRepetitionEtablissement="B",
            typeVoieEtablissement="AV",
            libelleVoieEtablissement="DAUMESNIL",
            codePostalEtablissement="75012",
            libelleCommuneEtablissement="PARIS",
            codeCommuneEtablissement="75112",
            etatAdministratifEtablissement="F",
            enseigne1Etablissement="AU BON PAIN",
            activitePrincipaleEtablissement="10.71C",
        ),
        e(
            market,
            1,
            etablissementSiege="true",
            libelleVoieEtablissement="DU PRADO",
            typeVoieEtablissement="AV",
            numeroVoieEtablissement="200",
            codePostalEtablissement="13008",
            libelleCommuneEtablissement="MARSEILLE",
            codeCommuneEtablissement="13208",
            etatAdministratifEtablissement="A",
            enseigne1Etablissement="SUPER PRIX",
            activitePrincipaleEtablissement="47.11F",
        ),
        e(
            market,
            2,
            etablissementSiege="false",
            libelleVoieEtablissement="DE LA LIBERTE",
            typeVoieEtablissement="BD",
            numeroVoieEtablissement="5",
            codePostalEtablissement="83000",
            libelleCommuneEtablissement="TOULON",
            codeCommuneEtablissement="83137",
            etatAdministratifEtablissement="A",
            enseigne1Etablissement="SUPER PRIX",
            activitePrincipaleEtablissement="47.11F",
        ),
        e(
            market,
            3,
            etablissementSiege="false",
            libelleVoieEtablissement="DU COURS NAPOLEON",
            codePostalEtablissement="20000",
            libelleCommuneEtablissement="AJACCIO",
            codeCommuneEtablissement="2A004",
            etatAdministratifEtablissement="A",
            enseigne1Etablissement="SUPER PRIX",
            activitePrincipaleEtablissement="47.11F",
        ),
        e(
            market,
            4,
            etablissementSiege="false",
            libelleVoieEtablissement="DU PORT",
            typeVoieEtablissement="QUAI",
            codePostalEtablissement="20200",
            libelleCommuneEtablissement="BASTIA",
            codeCommuneEtablissement="2B033",
            etatAdministratifEtablissement="A",
            enseigne1Etablissement="SUPER PRIX",
            activitePrincipaleEtablissement="47.11F",
        ),
        e(
            plumber,
            1,
            etablissementSiege="true",
            libelleVoieEtablissement="GARIBALDI",
            codePostalEtablissement="69003",
            libelleCommuneEtablissement="LYON",
            codeCommuneEtablissement="69383",
            etatAdministratifEtablissement="A",
            enseigne1Etablissement="PLOMBERIE LEFEVRE",
            activitePrincipaleEtablissement="43.22A",
            **street,
        ),
        e(
            town,
            1,
            etablissementSiege="true",
            libelleVoieEtablissement="DE L HOTEL DE VILLE",
            typeVoieEtablissement="PL",
            codePostalEtablissement="44000",
            libelleCommuneEtablissement="NANTES",
            codeCommuneEtablissement="44109",
            etatAdministratifEtablissement="A",
            activitePrincipaleEtablissement="84.11Z",
        ),
        e(
            pension,
            1,
            etablissementSiege="true",
            libelleVoieEtablissement="DE LA BOURSE",
            codePostalEtablissement="33000",
            libelleCommuneEtablissement="BORDEAUX",
            codeCommuneEtablissement="33063",
            etatAdministratifEtablissement="A",
            activitePrincipaleEtablissement="84.30B",
            **street,
        ),
        e(
            telecom,
            1,
            etablissementSiege="true",
            libelleVoieEtablissement="DU POINT DU JOUR",
            typeVoieEtablissement="RTE",
            numeroVoieEtablissement="40",
            complementAdresseEtablissement="TOUR HORIZON",
            codePostalEtablissement="92100",
            libelleCommuneEtablissement="BOULOGNE-BILLANCOURT",
            codeCommuneEtablissement="92012",
            distributionSpecialeEtablissement="CS 70001",
            codeCedexEtablissement="92773",
            libelleCedexEtablissement="BOULOGNE-BILLANCOURT CEDEX",
            etatAdministratifEtablissement="A",
            enseigne1Etablissement="TELEXPRESS",
            activitePrincipaleEtablissement="61.20Z",
        ),
        e(
            garage,
            1,
            etablissementSiege="true",
            libelleVoieEtablissement="DE LA DARSE",
            codePostalEtablissement="97100",
            libelleCommuneEtablissement="BASSE-TERRE",
            codeCommuneEtablissement="97105",
            etatAdministratifEtablissement="A",
            activitePrincipaleEtablissement="45.20A",
            **street,
        ),
        e(
            garage,
            2,
            etablissementSiege="false",
            libelleVoieEtablissement="DE PARIS",
            codePostalEtablissement="97400",
            libelleCommuneEtablissement="SAINT-DENIS",
            codeCommuneEtablissement="97411",
            etatAdministratifEtablissement="A",
            activitePrincipaleEtablissement="45.20A",
            **street,
        ),
        e(
            hotel,
            1,
            etablissementSiege="true",
            libelleVoieEtablissement="DE GUSTAVIA",
            codePostalEtablissement="97133",
            libelleCommuneEtablissement="SAINT-BARTHELEMY",
            codeCommuneEtablissement="97701",
            etatAdministratifEtablissement="A",
            enseigne1Etablissement="HOTEL DES ILES",
            activitePrincipaleEtablissement="55.10Z",
            **street,
        ),
        e(
            importer,
            1,
            etablissementSiege="true",
            libelleCommuneEtrangerEtablissement="BERLIN",
            codePaysEtrangerEtablissement="99109",
            libellePaysEtrangerEtablissement="ALLEMAGNE",
            etatAdministratifEtablissement="A",
            activitePrincipaleEtablissement="46.43Z",
        ),
        e(
            hidden,
            1,
            statutDiffusionEtablissement="P",
            etablissementSiege="true",
            numeroVoieEtablissement="[ND]",
            typeVoieEtablissement="[ND]",
            libelleVoieEtablissement="[ND]",
            codePostalEtablissement="35000",
            libelleCommuneEtablissement="RENNES",
            codeCommuneEtablissement="35238",
            etatAdministratifEtablissement="A",
            activitePrincipaleEtablissement="96.02A",
        ),
        e(
            restaurant,
            1,
            etablissementSiege="true",
            libelleVoieEtablissement="SAINTE-CATHERINE",
            codePostalEtablissement="33000",
            libelleCommuneEtablissement="BORDEAUX",
            codeCommuneEtablissement="33063",
            etatAdministratifEtablissement="A",
            enseigne1Etablissement="LE GOURMET",
            activitePrincipaleEtablissement="56.10A",
            **street,
        ),
        e(
            restaurant,
            2,
            etablissementSiege="false",
            libelleVoieEtablissement="DE LA SOIF",
            codePostalEtablissement="35000",
            libelleCommuneEtablissement="RENNES",
            codeCommuneEtablissement="35238",
            etatAdministratifEtablissement="A",
            enseigne1Etablissement="CAFE DES ARTS",
            activitePrincipaleEtablissement="56.30Z",
            **street,
        ),
        e(
            energy,
            1,
            etablissementSiege="true",
            libelleVoieEtablissement="DES CHAMPS-ELYSEES",
            typeVoieEtablissement="AV",
            numeroVoieEtablissement="52",
            codePostalEtablissement="75008",
            libelleCommuneEtablissement="PARIS",
            codeCommuneEtablissement="75108",
            etatAdministratifEtablissement="A",
            activitePrincipaleEtablissement="35.14Z",
        ),
        e(
            travel,
            1,
            etablissementSiege="true",
            libelleVoieEtablissement="DU CAPITOLE",
            typeVoieEtablissement="PL",
            numeroVoieEtablissement="1",
            codePostalEtablissement="31000",
            libelleCommuneEtablissement="TOULOUSE",
            codeCommuneEtablissement="31555",
            etatAdministratifEtablissement="A",
            enseigne1Etablissement="EVASION",
            activitePrincipaleEtablissement="79.11Z",
        ),
        e(
            no_legal_unit,
            1,
            etablissementSiege="true",
            libelleVoieEtablissement="DU MARCHE",
            codePostalEtablissement="59000",
            libelleCommuneEtablissement="LILLE",
            codeCommuneEtablissement="59350",
            etatAdministratifEtablissement="A",
            enseigne1Etablissement="FRITERIE DU NORD",
            activitePrincipaleEtablissement="56.10C",
            **street,
        ),
        establishment_row(
            siren="356000000",
            nic="00048",
            etablissementSiege="true",
            numeroVoieEtablissement="9",
            typeVoieEtablissement="RUE",
            libelleVoieEtablissement="DU COLONEL PIERRE AVIA",
            codePostalEtablissement="75015",
            libelleCommuneEtablissement="PARIS",
            codeCommuneEtablissement="75115",
            etatAdministratifEtablissement="A",
            activitePrincipaleEtablissement="53.10Z",
        ),
        establishment_row(
            siren="356000000",
            nic=la_poste_nic(4321),
            etablissementSiege="false",
            libelleVoieEtablissement="DE LA POSTE",
            typeVoieEtablissement="RUE",
            numeroVoieEtablissement="1",
            codePostalEtablissement="67000",
            libelleCommuneEtablissement="STRASBOURG",
            codeCommuneEtablissement="67482",
            etatAdministratifEtablissement="A",
            enseigne1Etablissement="BUREAU DE POSTE",
            activitePrincipaleEtablissement="53.10Z",
        ),
    ]
    legal_units = [
        legal_unit_row(siren=bakery, denominationUniteLegale="BOULANGERIE PATISSERIE DUPONT"),
        legal_unit_row(siren=market, denominationUniteLegale="HYPERMARCHES DU SUD"),
        legal_unit_row(
            siren=plumber,
            prenom1UniteLegale="JEAN-PIERRE",
            nomUniteLegale="LEFEVRE",
            categorieJuridiqueUniteLegale="1000",
        ),
        legal_unit_row(siren=town, denominationUniteLegale="COMMUNE DE NANTES"),
        legal_unit_row(siren=pension, denominationUniteLegale="CAISSE DE RETRAITE DU SUD-OUEST"),
        legal_unit_row(siren=telecom, denominationUniteLegale="TELECOM EXPRESS"),
        legal_unit_row(siren=garage, denominationUniteLegale="GARAGE DES ILES"),
        legal_unit_row(siren=hotel, denominationUniteLegale="SOCIETE HOTELIERE DE SAINT-BARTH"),
        legal_unit_row(siren=importer, denominationUniteLegale="ELECTRO IMPORT GMBH"),
        legal_unit_row(
            siren=hidden,
            statutDiffusionUniteLegale="P",
            prenom1UniteLegale="[ND]",
            nomUniteLegale="[ND]",
        ),
        legal_unit_row(siren=restaurant, denominationUniteLegale="RESTAURATION DE L OUEST"),
        legal_unit_row(siren=energy, denominationUniteLegale="ÉNERGIE VERTE FRANCE"),
        legal_unit_row(siren=travel, denominationUniteLegale="VOYAGES ET DÉCOUVERTES"),
        legal_unit_row(siren="356000000", denominationUniteLegale="LA POSTE"),
    ]
    DATA.mkdir(exist_ok=True)
    for name, header, rows in (
        ("sirene_sample_establishments.csv", ESTABLISHMENT_HEADER, establishments),
        ("sirene_sample_legal_units.csv", LEGAL_UNIT_HEADER, legal_units),
    ):
        with open(DATA / name, "w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(header)
            writer.writerows(rows)
        print(DATA / name, len(rows), "rows")


if __name__ == "__main__":
    main()
