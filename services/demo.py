"""Demo data: the six demo staff accounts and a realistic year of business.

``seed`` fills an empty database with a year of orders that ends today, plus
bookings running into the next 60 days (SPEC §7). It is deterministic — the
same ``seed`` and ``today`` give the same rows — and fast enough for the full
size of SPEC §7: rows are built in tight loops with ids assigned here, and
written with SQLAlchemy Core bulk inserts, never one ORM object at a time.

How it works:

1. The catalogue is written: buildings, rooms, seats, services with tariffs,
   staff, people and events.
2. Everything that occupies a place at a fixed time is *planned* on the
   timeline of its place — coworking tickets per seat, meeting-room bookings
   per room, hotel stays per hotel room, tickets per event — so that no two
   ever collide. Each plan knows when its order was placed; order statuses
   are dealt per pool (past, running, future) so that every status occurs.
3. The year is walked day by day: that day's planned orders and the day's
   orders of simple services, requests and the cafe are sorted by creation
   time, numbered, priced, paid, commented and written in chunks.

All randomness comes from one ``random.Random(seed)``; nothing iterates over a
set or a hash-ordered mapping. "Now" is the start of ``today`` in Moscow, so
the rows do not depend on the hour the seed runs at.
"""

from __future__ import annotations

import base64
import itertools
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from random import Random
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, Table, func, insert, select, text
from sqlalchemy.orm import Session
from tqdm import tqdm

from models import (
    Building,
    CoworkingTicket,
    Event,
    EventTicket,
    HotelBooking,
    Message,
    Order,
    OrderItem,
    Payment,
    Person,
    Room,
    RoomBooking,
    Seat,
    Service,
    StaffUser,
    Tariff,
    person_search_text,
)
from models.statuses import (
    CANCELLED_STATUSES,
    MessageVisibility,
    PaymentKind,
    PaymentMethod,
    Role,
    RoomKind,
    ServiceType,
    Unit,
)
from models.statuses import OrderStatus as St
from services.errors import DomainError
from services.staff import hash_password

DEMO_PASSWORD = "demo"
DEMO_STAFF: tuple[tuple[str, str, Role], ...] = (
    ("admin@parkdesk.local", "Ольга Администратова", Role.ADMIN),
    ("rental@parkdesk.local", "Анна Смирнова", Role.RENTAL_MANAGER),
    ("service@parkdesk.local", "Дмитрий Кузнецов", Role.SERVICE_MANAGER),
    ("events@parkdesk.local", "Мария Иванова", Role.EVENT_MANAGER),
    ("exec@parkdesk.local", "Сергей Волков", Role.EXECUTIVE),
    ("accounting@parkdesk.local", "Елена Козлова", Role.ACCOUNTANT),
)
# Executors of simple services and requests besides the demo service manager.
EXTRA_SERVICE_MANAGERS: tuple[tuple[str, str], ...] = (
    ("igor.petrov@parkdesk.local", "Игорь Петров"),
    ("natalya.sokolova@parkdesk.local", "Наталья Соколова"),
    ("artem.morozov@parkdesk.local", "Артём Морозов"),
    ("svetlana.lebedeva@parkdesk.local", "Светлана Лебедева"),
)


def create_demo_staff(
    session: Session, *, password_hash: str | None = None, created_at: datetime | None = None
) -> dict[str, int]:
    """The demo accounts of SPEC §8 (password ``demo``); returns their ids by e-mail.

    ``seed`` passes the hash it computed once and a fixed creation time, so that
    its rows do not depend on the clock.
    """
    password_hash = password_hash or hash_password(DEMO_PASSWORD)
    created = {"created_at": created_at} if created_at else {}
    session.execute(
        insert(StaffUser),
        [
            {
                "email": email,
                "name": name,
                "role": role.value,
                "password_hash": password_hash,
                "is_active": True,
                **created,
            }
            for email, name, role in DEMO_STAFF
        ],
    )
    return dict(session.query(StaffUser.email, StaffUser.id).all())


@dataclass
class SeedSummary:
    """Rows written per table, in the order ``describe`` lists them."""

    counts: dict[str, int]

    def describe(self) -> str:
        """``20,000 orders, 3,912 coworking tickets, 27,301 payments, …``"""
        return ", ".join(f"{n:,} {table.replace('_', ' ')}" for table, n in self.counts.items())


# ---------------------------------------------------------------------------
# Sizes and shapes of the demo business

MOSCOW = ZoneInfo("Europe/Moscow")
MINUTE, HOUR, DAY = 60, 3_600, 86_400
HISTORY_DAYS = 365  # the demo year ends today…
AHEAD_DAYS = 60  # …and bookings run on into the next 60 days
MIN_ORDERS = 200  # below this the shares below stop making sense
FLUSH_ORDERS = 20_000  # orders per bulk write (with their items, payments…)
# Shares of the orders; booking, hotel and event orders are further capped by
# what their rooms and halls can hold.
COWORKING_SHARE = 0.20
BOOKING_SHARE = 0.05
HOTEL_SHARE = 0.03
EVENT_SHARE = 0.05
FREE_KINDS = {ServiceType.GOODS: 0.55, ServiceType.SIMPLE: 0.28, ServiceType.REQUEST: 0.17}
MESSAGE_SHARE = 0.25  # orders with a conversation
VALIDATED_SHARE = 0.75  # started tickets whose visitor showed ID at the desk
CHECKED_IN_SHARE = 0.80  # tickets of past events scanned at the door
WEEKEND_FACTOR = 0.5  # a Saturday or Sunday is this busy compared with a weekday

BUILDINGS: tuple[tuple[str, str, str], ...] = (  # name, address, short name
    ('Технопарк "Сколково", корпус А', "Москва, Большой бульвар, 42, стр. 1", "Корпус А"),
    ('Технопарк "Сколково", корпус Б', "Москва, Большой бульвар, 42, стр. 2", "Корпус Б"),
    ('Бизнес-центр "Технополис"', "Москва, Волгоградский проспект, 42, корп. 5", "Технополис"),
)
OFFICES = (105, 214, 230, 312, 318, 407, 512)
# building, room, service, share of the seats, price factor
COWORKING_ROOMS: tuple[tuple[int, str, str, float, float], ...] = (
    (0, "Open Space А", "Коворкинг Open Space", 0.40, 1.0),
    (0, "Тихая зона", 'Коворкинг "Тихая зона"', 0.15, 1.3),
    (1, "Open Space Б", "Коворкинг Open Space, корпус Б", 0.25, 1.0),
    (2, "Коворкинг Технополис", 'Коворкинг "Технополис"', 0.20, 0.8),
)
COWORKING_TARIFFS: tuple[tuple[str, Unit, int], ...] = (
    ("Час", Unit.HOUR, 30_000),
    ("День", Unit.DAY, 150_000),
    ("Месяц", Unit.MONTH, 1_500_000),
)
# building, room (= service name), capacity, price per hour
MEETING_ROOMS: tuple[tuple[int, str, int, int], ...] = (
    (0, "Переговорная Java", 8, 150_000),
    (0, "Переговорная Python", 12, 200_000),
    (0, "Переговорная Kotlin", 6, 120_000),
    (1, "Переговорная Go", 10, 180_000),
    (1, "Переговорная Rust", 6, 120_000),
    (2, "Переговорная Scala", 8, 150_000),
    (2, "Переговорная C++", 20, 300_000),
)
HOTEL_BUILDING = 1
HOTEL_NAME = 'Отель "Сколково"'
# category, price per night, guests, room numbers
HOTEL_CATEGORIES: tuple[tuple[str, int, int, tuple[int, ...]], ...] = (
    ("Стандарт", 550_000, 2, (101, 102, 103, 104, 105, 106)),
    ("Комфорт", 750_000, 2, (201, 202, 203, 204)),
    ("Люкс", 1_200_000, 3, (301, 302)),
)
HOTEL_EXTRAS: dict[str, tuple[str, int]] = {  # code -> item name, price
    "breakfast": ("Завтрак", 80_000),
    "taxi": ("Трансфер на такси", 180_000),
    "early_check_in": ("Ранний заезд", 250_000),
    "late_check_out": ("Поздний выезд", 250_000),
}
EVENT_HALL = (0, "Конгресс-холл", 300)
# service, tariffs (name, price), start hour, minutes, weight, titles
EventSeries = tuple[str, tuple[tuple[str, int], ...], int, int, int, tuple[str, ...]]
EVENT_SERIES: tuple[EventSeries, ...] = (
    (
        'Конференция "Технологии будущего"',
        (("Стандартный билет", 250_000), ("Студенческий билет", 80_000), ("VIP-билет", 900_000)),
        10,
        480,
        10,
        ("ИИ в промышленности", "Умный город", "Новые материалы", "Биотех и медицина"),
    ),
    (
        'Митап "Python в Сколково"',
        (("Билет", 50_000),),
        19,
        150,
        35,
        (
            "Асинхронность на практике",
            "Типизация в больших проектах",
            "Data Science в проде",
            "Профилирование и скорость",
        ),
    ),
    (
        'Лекторий "Наука для бизнеса"',
        (("Билет", 30_000), ("Льготный билет", 15_000)),
        19,
        90,
        30,
        (
            "Как привлечь инвестиции",
            "Патенты для стартапа",
            "Квантовые вычисления",
            "Экономика платформ",
        ),
    ),
    (
        'Воркшоп "Продуктовый дизайн"',
        (("Участие", 350_000),),
        11,
        240,
        15,
        ("UX-исследования", "Прототипирование", "Дизайн-системы"),
    ),
    (
        "Demo Day стартапов",
        (("Гостевой билет", 20_000), ("Билет инвестора", 500_000)),
        16,
        240,
        10,
        ("Весенний поток акселератора", "Осенний поток акселератора", "Финал конкурса проектов"),
    ),
)
# name, cancellable, tariffs (name, unit, price, largest quantity), descriptions
SIMPLE_SERVICES: tuple[
    tuple[str, bool, tuple[tuple[str, Unit, int, int], ...], tuple[str, ...]], ...
] = (
    (
        "Клининговые услуги",
        True,
        (
            ("Уборка офиса до 20 м²", Unit.PIECE, 150_000, 1),
            ("Уборка офиса до 50 м²", Unit.PIECE, 300_000, 1),
            ("Мойка окон", Unit.PIECE, 250_000, 1),
            ("Химчистка мебели", Unit.PIECE, 450_000, 1),
        ),
        ("Уборка после мероприятия", "Еженедельная уборка офиса", "Нужна уборка к приезду гостей"),
    ),
    (
        "Печать и сканирование",
        False,
        (
            ("Печать A4, ч/б", Unit.PIECE, 1_000, 100),
            ("Печать A4, цвет", Unit.PIECE, 3_000, 40),
            ("Сканирование", Unit.PIECE, 500, 60),
        ),
        ("Договоры в двух экземплярах", "Раздаточные материалы", "Сканы документов на почту"),
    ),
    (
        "Парковка",
        False,
        (
            ("Разовый въезд", Unit.DAY, 50_000, 3),
            ("Гостевой пропуск на автомобиль", Unit.PIECE, 30_000, 2),
        ),
        ("Гость на автомобиле, номер А123ВС 777", "Въезд для доставки оборудования"),
    ),
    (
        "Аренда оборудования",
        True,
        (
            ("Проектор", Unit.DAY, 150_000, 2),
            ("Флипчарт", Unit.DAY, 50_000, 2),
            ("Ноутбук", Unit.DAY, 200_000, 3),
        ),
        ("Для презентации в переговорной", "На время стажировки сотрудника"),
    ),
)
REQUEST_SERVICES: tuple[
    tuple[str, bool, tuple[tuple[str, Unit, int, int], ...], tuple[str, ...]], ...
] = (
    (
        "Техническая поддержка",
        True,
        (
            ("Консультация", Unit.PIECE, 0, 1),
            ("Настройка рабочего места", Unit.PIECE, 120_000, 1),
            ("Подключение к Wi-Fi и VPN", Unit.PIECE, 0, 1),
        ),
        (
            "Не подключается принтер",
            "Нет доступа к Wi-Fi",
            "Нужен второй монитор",
            "Не работает пропуск",
        ),
    ),
    (
        "Заявка на ремонт",
        True,
        (
            ("Вызов электрика", Unit.PIECE, 80_000, 1),
            ("Вызов сантехника", Unit.PIECE, 80_000, 1),
            ("Мелкий ремонт мебели", Unit.PIECE, 60_000, 1),
        ),
        (
            "Не работает розетка у окна",
            "Течёт кран на кухне",
            "Сломалось кресло",
            "Мигает свет в кабинете",
        ),
    ),
    (
        "Обращение в управляющую компанию",
        True,
        (("Обращение", Unit.PIECE, 0, 1),),
        ("Жарко в офисе, проверьте кондиционер", "Шумно у соседей", "Нужна табличка на дверь"),
    ),
)
GOODS_SERVICES: tuple[tuple[str, tuple[tuple[str, int], ...]], ...] = (
    (
        "Кафе: обеды",
        (
            ("Бизнес-ланч", 45_000),
            ("Борщ с пампушками", 29_000),
            ("Суп дня", 22_000),
            ('Салат "Цезарь" с курицей', 42_000),
            ("Паста карбонара", 49_000),
            ("Плов с бараниной", 45_000),
            ("Котлета по-киевски с пюре", 52_000),
            ("Сырники со сметаной", 32_000),
            ("Морс клюквенный", 12_000),
            ("Компот", 9_000),
        ),
    ),
    (
        "Кафе: кофейня",
        (
            ("Капучино", 19_000),
            ("Латте", 21_000),
            ("Американо", 15_000),
            ("Круассан", 16_000),
            ("Чизкейк", 28_000),
        ),
    ),
    (
        "Кейтеринг для переговорной",
        (("Кофе-брейк на одного", 35_000), ("Фуршет на одного", 120_000), ("Вода, 0,5 л", 8_000)),
    ),
)
GOODS_WEIGHTS = (60, 30, 10)
COWORKING_MODIFIERS: dict[str, tuple[str, int, int]] = {  # code -> item, price per day, per month
    "locker": ("Шкафчик для вещей", 10_000, 150_000),
    "printer": ("Доступ к принтеру", 20_000, 100_000),
    "legal_support": ("Юридическая консультация", 150_000, 300_000),
}

MALE_FIRST = (
    "Александр",
    "Алексей",
    "Андрей",
    "Антон",
    "Артём",
    "Борис",
    "Вадим",
    "Виктор",
    "Владимир",
    "Дмитрий",
    "Евгений",
    "Егор",
    "Иван",
    "Игорь",
    "Илья",
    "Кирилл",
    "Константин",
    "Максим",
    "Михаил",
    "Никита",
    "Николай",
    "Олег",
    "Павел",
    "Роман",
    "Сергей",
    "Станислав",
    "Тимур",
    "Фёдор",
    "Юрий",
    "Ярослав",
)
FEMALE_FIRST = (
    "Александра",
    "Алина",
    "Анастасия",
    "Анна",
    "Валерия",
    "Вера",
    "Виктория",
    "Дарья",
    "Екатерина",
    "Елена",
    "Елизавета",
    "Ирина",
    "Кристина",
    "Ксения",
    "Марина",
    "Мария",
    "Надежда",
    "Наталья",
    "Оксана",
    "Ольга",
    "Полина",
    "Светлана",
    "София",
    "Татьяна",
    "Юлия",
    "Яна",
)
PATRONYMICS: tuple[tuple[str, str], ...] = tuple(
    (root + "ич", root + "на")
    for root in (
        "Александров",
        "Алексеев",
        "Андреев",
        "Борисов",
        "Викторов",
        "Владимиров",
        "Дмитриев",
        "Евгеньев",
        "Иванов",
        "Игорев",
        "Константинов",
        "Михайлов",
        "Николаев",
        "Олегов",
        "Павлов",
        "Петров",
        "Романов",
        "Сергеев",
        "Юрьев",
        "Вадимов",
    )
)
LAST_NAMES = (
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
    "Захаров",
    "Зайцев",
    "Соловьёв",
    "Борисов",
    "Яковлев",
    "Григорьев",
    "Романов",
    "Воробьёв",
    "Сергеев",
    "Кузьмин",
    "Фролов",
    "Александров",
    "Дмитриев",
    "Королёв",
    "Гусев",
    "Киселёв",
    "Ильин",
    "Максимов",
    "Поляков",
    "Сорокин",
    "Виноградов",
    "Ковалёв",
    "Белов",
    "Медведев",
    "Антонов",
    "Тарасов",
    "Жуков",
    "Баранов",
    "Филиппов",
    "Комаров",
    "Давыдов",
    "Беляев",
    "Герасимов",
    "Богданов",
    "Осипов",
    "Сидоров",
    "Матвеев",
    "Титов",
    "Марков",
    "Миронов",
    "Крылов",
    "Куликов",
    "Карпов",
    "Власов",
    "Мельников",
    "Денисов",
    "Гаврилов",
    "Тихонов",
    "Калинин",
    "Исаев",
    "Быков",
    "Маслов",
    "Лазарев",
    "Климов",
    "Голубев",
    "Кудрявцев",
    "Островский",
    "Вишневский",
    "Покровский",
    "Заболоцкий",
    "Трубецкой",
    "Руденко",
    "Шевченко",
    "Бондаренко",
    "Ким",
    "Цой",
    "Черных",
    "Седых",
)
COMPANIES: tuple[tuple[str, str | None], ...] = (
    ('ООО "Нейросети"', "neuroseti.ru"),
    ('ООО "Кванттех"', "quanttech.ru"),
    ('АО "Роботикс Лаб"', "robotics-lab.ru"),
    ('ООО "Зелёная энергия"', "green-energy.ru"),
    ('ООО "БиоСинтез"', "biosintez.ru"),
    ('ООО "ДатаФлоу"', "dataflow.ru"),
    ('ООО "Умный город"', "umny-gorod.ru"),
    ('ООО "Агротех Решения"', "agrotech-r.ru"),
    ('ООО "МедИнфо"', "medinfo-lab.ru"),
    ('ООО "Космос Девелопмент"', "cosmos-dev.ru"),
    ('ООО "Финтех Плюс"', "fintechplus.ru"),
    ('АО "Сенсорика"', "sensorika.ru"),
    ('ООО "Облачные системы"', "cloudsys.ru"),
    ('ООО "ГеоСкан Лаб"', "geoscan-lab.ru"),
    ('ООО "ЭдТех Академия"', "edtech-academy.ru"),
    ('ООО "Смарт Логистик"', "smart-logistic.ru"),
    ('ООО "Новые материалы"', "new-materials.ru"),
    ('ООО "Цифровой двойник"', "digital-twin.ru"),
    ("ИП Сорокин А. В.", None),
    ("ИП Белова Е. Н.", None),
    ("Сообщество Python-разработчиков", None),
    ("Клуб стартапов Сколково", None),
)
MAIL_DOMAINS = ("mail.ru", "yandex.ru", "gmail.com", "bk.ru", "inbox.ru", "rambler.ru")
TRANSLIT = str.maketrans(
    {
        "а": "a",
        "б": "b",
        "в": "v",
        "г": "g",
        "д": "d",
        "е": "e",
        "ё": "e",
        "ж": "zh",
        "з": "z",
        "и": "i",
        "й": "y",
        "к": "k",
        "л": "l",
        "м": "m",
        "н": "n",
        "о": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "у": "u",
        "ф": "f",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ъ": "",
        "ы": "y",
        "ь": "",
        "э": "e",
        "ю": "yu",
        "я": "ya",
    }
)
ORDER_COMMENTS = (
    "Позвоните за 15 минут до прихода.",
    "Счёт выставить на компанию.",
    "Нужны закрывающие документы.",
    "Оплата по безналу, реквизиты в профиле.",
    "Гость задержится на полчаса.",
    "Без лука, пожалуйста.",
)
CUSTOMER_QUESTIONS = (
    "Добрый день! Можно ли перенести на другое время?",
    "Подскажите, пожалуйста, как получить закрывающие документы?",
    "Нужен счёт на компанию, реквизиты пришлю.",
    "Спасибо, всё отлично!",
    "Можно ли добавить ещё одного человека?",
    "Во сколько можно подойти?",
    "Пришлите, пожалуйста, чек на почту.",
)
STAFF_REPLIES = (
    "Добрый день! Да, конечно.",
    "Здравствуйте! Документы отправили на вашу почту.",
    "Спасибо за обращение, передали ответственному сотруднику.",
    "Да, всё готово, ждём вас.",
    "Уточним и вернёмся с ответом в течение часа.",
)
INTERNAL_NOTES = (
    "Клиент — резидент, скидку согласовать с руководителем.",
    "Проверить оплату по выписке.",
    "Постоянный клиент, просит счёт на юрлицо.",
    "Перезвонить клиенту после 15:00.",
    "Ключ от шкафчика выдан.",
    "Клиент просил не звонить, только почта.",
)
# The statuses as the demo's Russian system notes name them ("Статус изменён на «…»"):
# the demo's conversations are Russian text, like the rest of its people and places;
# tests/test_i18n.py checks these are the Russian catalog's labels.
STATUS_NOTES: dict[St, str] = {
    St.NEW: "Новый",
    St.NEW_PAYMENT_PENDING: "Новый. В процессе оплаты",
    St.NEW_AWAITING_INVOICE: "Новый. Ожидает выставления счета на оплату",
    St.INVOICE_ISSUED: "Безналичный расчет. Счет выставлен",
    St.CONFIRMED_BALANCE_DUE: "Подтвержден. Необходимо оплатить остаток",
    St.CONFIRMED: "Подтвержден",
    St.IN_PROGRESS: "В работе",
    St.DONE_AWAITING_CONFIRMATION: "Выполнен. Ожидает подтверждения",
    St.DONE: "Выполнен",
    St.CANCELLED: "Отменен",
    St.CANCELLED_PAYMENT_FAILED: "Отменен. Неуспешная оплата",
    St.CANCELLED_REFUND_PENDING: "Отменен. Выполняется возврат",
    St.CANCELLED_REFUNDED: "Отменен. Выполнен возврат",
}

# Order statuses. Orders with a fixed period get them dealt per pool, by where
# the period lies relative to now; orders of simple services, requests and the
# cafe by their age (the confirmation timeout of SPEC §3 is 3 days).
PAST, RUNNING, FUTURE = "past", "running", "future"
PERIOD_STATUSES: dict[str, dict[St, int]] = {
    FUTURE: {
        St.NEW: 8,
        St.NEW_PAYMENT_PENDING: 4,
        St.NEW_AWAITING_INVOICE: 3,
        St.INVOICE_ISSUED: 3,
        St.CONFIRMED_BALANCE_DUE: 22,
        St.CONFIRMED: 50,
        St.CANCELLED: 4,
        St.CANCELLED_PAYMENT_FAILED: 2,
        St.CANCELLED_REFUND_PENDING: 2,
        St.CANCELLED_REFUNDED: 2,
    },
    RUNNING: {
        St.CONFIRMED: 84,
        St.CONFIRMED_BALANCE_DUE: 10,
        St.CANCELLED: 3,
        St.CANCELLED_REFUNDED: 3,
    },
    PAST: {
        St.CONFIRMED: 50,
        St.DONE: 38,
        St.CANCELLED: 4,
        St.CANCELLED_PAYMENT_FAILED: 2,
        St.CANCELLED_REFUNDED: 6,
    },
}
WORK_STATUSES: tuple[tuple[int, dict[St, int]], ...] = (  # (younger than, statuses)
    (
        DAY,
        {
            St.NEW: 30,
            St.NEW_PAYMENT_PENDING: 6,
            St.NEW_AWAITING_INVOICE: 5,
            St.INVOICE_ISSUED: 4,
            St.IN_PROGRESS: 30,
            St.DONE_AWAITING_CONFIRMATION: 15,
            St.CANCELLED: 5,
            St.CANCELLED_PAYMENT_FAILED: 5,
        },
    ),
    (
        3 * DAY,
        {
            St.NEW: 6,
            St.INVOICE_ISSUED: 4,
            St.IN_PROGRESS: 30,
            St.DONE_AWAITING_CONFIRMATION: 40,
            St.DONE: 14,
            St.CANCELLED: 4,
            St.CANCELLED_REFUND_PENDING: 2,
        },
    ),
    (
        14 * DAY,
        {
            St.IN_PROGRESS: 8,
            St.DONE: 80,
            St.CANCELLED: 5,
            St.CANCELLED_REFUND_PENDING: 3,
            St.CANCELLED_REFUNDED: 4,
        },
    ),
)
WORK_SETTLED = {
    St.DONE: 89,
    St.CANCELLED: 5,
    St.CANCELLED_REFUNDED: 4,
    St.CANCELLED_PAYMENT_FAILED: 2,
}
GOODS_STATUSES: tuple[tuple[int, dict[St, int]], ...] = (
    (
        DAY,
        {
            St.NEW: 15,
            St.NEW_PAYMENT_PENDING: 5,
            St.IN_PROGRESS: 20,
            St.DONE: 50,
            St.CANCELLED: 5,
            St.CANCELLED_PAYMENT_FAILED: 5,
        },
    ),
)
GOODS_SETTLED = {
    St.DONE: 93,
    St.CANCELLED: 3,
    St.CANCELLED_REFUNDED: 2,
    St.CANCELLED_PAYMENT_FAILED: 2,
}
DEAL_DAYS = 14  # orders younger than this get their statuses dealt, not drawn
# Cancellations a manager makes; a service that disallows cancelling never has them.
MANUAL_CANCELS = frozenset({St.CANCELLED, St.CANCELLED_REFUND_PENDING, St.CANCELLED_REFUNDED})
# Statuses whose order is paid up: work starts on simple services and requests
# once they are paid (an unpaid one waits as new or for its invoice).
PAID_IN_FULL = frozenset({St.CONFIRMED, St.DONE, St.IN_PROGRESS, St.DONE_AWAITING_CONFIRMATION})
# How many payments settle an order: part counts and their weights.
PARTS: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {
    "month": ((1, 2, 3), (2, 4, 4)),  # residents pay a month in instalments
    "coworking": ((1, 2), (5, 5)),  # prepayment, the rest at the desk
    ServiceType.HOTEL: ((1, 2, 3), (2, 5, 3)),  # prepayment, check-in, extras at check-out
    ServiceType.GOODS: ((1, 2, 3, 4), (10, 40, 30, 20)),  # meal subsidies, split bills
    ServiceType.SIMPLE: ((1, 2, 3), (15, 60, 25)),  # prepayment, then the rest when done
    ServiceType.REQUEST: ((1, 2, 3), (20, 60, 20)),  # call-out fee, then the work
    ServiceType.BOOKING: ((1, 2), (7, 3)),
    ServiceType.EVENT: ((1,), (1,)),
}
METHODS = {
    PaymentMethod.BANK_CARD: 35,
    PaymentMethod.SAVED_CARD: 25,
    PaymentMethod.ONLINE_GATEWAY: 15,
    PaymentMethod.BANK_TRANSFER: 10,
    PaymentMethod.CASH: 8,
    PaymentMethod.MANAGER: 7,
}
RECORDED_BY_STAFF = frozenset({PaymentMethod.CASH, PaymentMethod.MANAGER})
NARROW_NBSP = "\u202f"

T = TypeVar("T")


class _Pick(Generic[T]):
    """A weighted choice prepared once and drawn many times."""

    __slots__ = ("cum", "items")

    def __init__(self, weights: dict[T, float] | list[tuple[T, float]]) -> None:
        pairs = list(weights.items()) if isinstance(weights, dict) else weights
        self.items = [item for item, _ in pairs]
        self.cum = list(itertools.accumulate(weight for _, weight in pairs))

    def __call__(self, rng: Random) -> T:
        return rng.choices(self.items, cum_weights=self.cum)[0]


def _deal(rng: Random, n: int, weights: dict[T, float]) -> list[T]:
    """``n`` labels in the proportions of ``weights``, shuffled.

    Unlike ``n`` independent draws, every label occurs once ``n`` allows it,
    so a small demo still shows every status.
    """
    labels = list(weights)
    total = sum(weights.values())
    exact = [n * weights[label] / total for label in labels]
    counts = [int(x) for x in exact]
    if n >= len(labels):
        counts = [max(1, c) for c in counts]
    by_remainder = sorted(range(len(labels)), key=lambda i: (counts[i] - exact[i], i))
    while sum(counts) < n:
        for i in by_remainder[: n - sum(counts)]:
            counts[i] += 1
    while sum(counts) > n:
        counts[counts.index(max(counts))] -= 1
    dealt = [label for label, count in zip(labels, counts, strict=True) for _ in range(count)]
    rng.shuffle(dealt)
    return dealt


def _largest_remainder(total: int, weights: list[float]) -> list[int]:
    """``total`` split into integers in proportion to ``weights``."""
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    counts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (counts[i] - exact[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _rubles(kopecks: int) -> str:
    """``5 500 ₽`` as the Russian interface shows money (SPEC §6)."""
    rubles, rest = divmod(kopecks, 100)
    whole = f"{rubles:,}".replace(",", NARROW_NBSP)
    return f"{whole},{rest:02d}{NARROW_NBSP}₽" if rest else f"{whole}{NARROW_NBSP}₽"


def _utc(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def _between(rng: Random, low: int, high: int) -> int:
    """A moment in [low, high]; ``low`` when the span is empty."""
    return low if high <= low else rng.randint(low, high)


def _split(rng: Random, total: int, parts: int, min_remaining: int) -> list[int]:
    """``total`` as up to ``parts`` whole-ruble payments, each leaving nothing or at
    least ``min_remaining`` to pay, as SPEC §4.4 requires of a recorded payment."""
    amounts = []
    left = total
    for _ in range(parts - 1):
        share = left * rng.randint(30, 70) // 10_000 * 100
        if share < 100 or left - share < min_remaining:
            break
        amounts.append(share)
        left -= share
    amounts.append(left)
    return amounts


def _prepayment(total: int, percent: int, min_remaining: int) -> int:
    """The prepayment of a partly paid order, leaving at least ``min_remaining``."""
    share = total * percent // 10_000 * 100
    return max(0, min(share, total - min_remaining))


# ---------------------------------------------------------------------------
# The catalogue as the generator sees it


@dataclass(slots=True)
class _Tariff:
    id: int
    name: str
    unit: str
    price: int
    max_quantity: int = 1


@dataclass(slots=True)
class _Service:
    id: int
    name: str
    type: ServiceType
    tariffs: list[_Tariff]
    room_id: int | None = None
    partial: bool = False
    prepayment_percent: int = 100
    cancellable: bool = True
    min_remaining: int = 5_000
    descriptions: tuple[str, ...] = ()
    weight: float = 1.0


@dataclass(slots=True)
class _Event:
    id: int
    service: _Service
    title: str
    start: int
    end: int
    capacity: int


@dataclass(slots=True)
class _Plan:
    """An order whose place and time are fixed on a timeline before the year is written."""

    kind: ServiceType
    created: int
    start: int
    end: int
    service: _Service
    tariff: _Tariff
    place: int  # seat, room or event id
    quantity: int  # hours, nights or tickets
    day: int  # the day the period starts
    status: St = St.NEW  # dealt by _deal_period_statuses unless pinned
    pinned: bool = False


class _Clock:
    """Moscow days as epoch seconds. Day 0 is the first day of the demo year,
    ``today`` is day ``HISTORY_DAYS``; "now" is the start of today."""

    def __init__(self, today: date) -> None:
        first = today - timedelta(days=HISTORY_DAYS)
        # Room for month passes and hotel stays that start on the last bookable day.
        self.dates = [first + timedelta(days=i) for i in range(HISTORY_DAYS + AHEAD_DAYS + 40)]
        self.starts = [int(datetime.combine(d, time(), MOSCOW).timestamp()) for d in self.dates]
        self.today = HISTORY_DAYS
        self.bookable_days = HISTORY_DAYS + AHEAD_DAYS + 1
        self.now = self.starts[self.today]
        self.first = self.starts[0]
        # Latest moment anything may have happened at: just before now.
        self.cap = self.now - MINUTE

    def at(self, day: int, hour: int, minute: int = 0) -> int:
        # Moscow keeps UTC+3 all year, so hours within a day are plain offsets.
        return self.starts[day] + hour * HOUR + minute * MINUTE

    def day_of(self, ts: int) -> int:
        return bisect_right(self.starts, ts) - 1

    def busyness(self, day: int) -> float:
        """How busy a day is: weekends are quieter, and the future is not yet booked up."""
        factor = WEEKEND_FACTOR if self.dates[day].weekday() >= 5 else 1.0
        if day > self.today:
            factor *= 1.0 - 0.85 * (day - self.today) / AHEAD_DAYS
        return factor


class _Rows:
    """Rows waiting for the next bulk write, per table."""

    def __init__(self) -> None:
        # Orders with a form go in their own statement: a missing key is SQL NULL,
        # while None in a JSON column would be stored as the JSON value null.
        self.orders: list[dict[str, Any]] = []
        self.form_orders: list[dict[str, Any]] = []
        self.items: list[dict[str, Any]] = []
        self.payments: list[dict[str, Any]] = []
        self.messages: list[dict[str, Any]] = []
        self.tickets: list[dict[str, Any]] = []
        self.hotel: list[dict[str, Any]] = []
        self.rooms: list[dict[str, Any]] = []
        self.event_tickets: list[dict[str, Any]] = []

    def batches(self) -> list[tuple[Table, list[dict[str, Any]]]]:
        """Each table with its rows, parents before children."""
        return [
            (Order.__table__, self.orders),
            (Order.__table__, self.form_orders),
            (OrderItem.__table__, self.items),
            (Payment.__table__, self.payments),
            (Message.__table__, self.messages),
            (CoworkingTicket.__table__, self.tickets),
            (HotelBooking.__table__, self.hotel),
            (RoomBooking.__table__, self.rooms),
            (EventTicket.__table__, self.event_tickets),
        ]


# ---------------------------------------------------------------------------
# The generator


def seed(
    engine: Engine,
    *,
    orders: int = 20_000,
    seed: int = 1,
    progress: bool = False,
    today: date | None = None,
) -> SeedSummary:
    """Fill an empty database with demo data: staff, catalogue and ``orders`` orders.

    Refuses (``DomainError``, nothing written) when the database has data already.
    ``today`` is the last day of the demo year (default: today in Moscow).
    """
    if orders < MIN_ORDERS:
        raise DomainError("The demo needs at least %(min)d orders.", min=MIN_ORDERS)
    today = today or datetime.now(MOSCOW).date()
    with engine.begin() as connection:
        _refuse_unless_empty(connection)
        generator = _Generator(connection, orders=orders, rng=Random(seed), today=today)
        with tqdm(total=orders, unit=" orders", disable=not progress, desc="Seeding") as bar:
            generator.run(bar.update)
        return SeedSummary(generator.counts)


def _refuse_unless_empty(connection: Connection) -> None:
    checks = (
        ("orders", Order),
        ("staff accounts", StaffUser),
        ("people", Person),
        ("buildings", Building),
        ("services", Service),
    )
    found = [
        what
        for what, model in checks
        if connection.scalar(select(func.count()).select_from(model.__table__))
    ]
    if found:
        raise DomainError(
            "The database already has %(what)s; demo data is only written into an empty database.",
            what=", ".join(found),
        )


class _Generator:
    def __init__(self, connection: Connection, *, orders: int, rng: Random, today: date) -> None:
        self.connection = connection
        self.orders = orders
        self.rng = rng
        self.clock = _Clock(today)
        self.counts: dict[str, int] = dict.fromkeys(
            (
                "orders",
                "coworking_tickets",
                "payments",
                "order_items",
                "messages",
                "events",
                "event_tickets",
                "hotel_bookings",
                "room_bookings",
                "persons",
                "staff_users",
                "buildings",
                "rooms",
                "seats",
                "services",
                "tariffs",
            ),
            0,
        )
        self.rows = _Rows()
        self.next_id = dict.fromkeys(
            ("order", "item", "payment", "message", "ticket", "hotel", "room", "event_ticket"), 1
        )
        self.qr_tokens: set[str] = set()
        self.pick_method = _Pick(METHODS)
        self.planned_order: dict[ServiceType, Callable[[_Plan], None]] = {
            ServiceType.COWORKING: self._coworking_order,
            ServiceType.BOOKING: self._booking_order,
            ServiceType.HOTEL: self._hotel_order,
            ServiceType.EVENT: self._event_order,
        }

    # -- driver --------------------------------------------------------------

    def run(self, advance: Callable[[int], object]) -> None:
        sqlite = self.connection.dialect.name == "sqlite"
        if sqlite:
            # A big page cache keeps the indexes in memory while millions of rows go in;
            # it is this connection's setting only, restored at the end.
            cache_size = self.connection.exec_driver_sql("PRAGMA cache_size").scalar()
            self.connection.exec_driver_sql("PRAGMA cache_size = -262144")
        self._staff()
        self._places()
        self._services()
        self._persons()
        self._events()
        plans = (
            self._plan_coworking()
            + self._plan_meeting_rooms()
            + self._plan_hotel()
            + self._plan_events()
        )
        self._deal_period_statuses(plans)
        self._write_year(plans, advance)
        if sqlite:
            self.connection.exec_driver_sql(f"PRAGMA cache_size = {int(cache_size)}")
        else:
            self._advance_sequences()

    def _insert(self, table: Table, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.connection.execute(table.insert(), rows)
            self.counts[table.name] += len(rows)

    def _flush(self) -> None:
        for table, rows in self.rows.batches():
            self._insert(table, rows)
        self.rows = _Rows()

    def _advance_sequences(self) -> None:
        """Rows got explicit ids, which PostgreSQL sequences do not notice: move each
        sequence past the highest id so that the app's own inserts do not collide."""
        for table in (
            Building,
            Room,
            Seat,
            Service,
            Tariff,
            Person,
            Event,
            Order,
            OrderItem,
            Payment,
            Message,
            CoworkingTicket,
            HotelBooking,
            RoomBooking,
            EventTicket,
        ):
            name = table.__tablename__
            self.connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT MAX(id) FROM {name})) WHERE EXISTS (SELECT 1 FROM {name})"
                )
            )

    # -- catalogue -----------------------------------------------------------

    def _staff(self) -> None:
        # argon2 is slow on purpose: one hash serves every demo account.
        password_hash = hash_password(DEMO_PASSWORD)
        created = _utc(self.clock.first - 30 * DAY)
        with Session(bind=self.connection) as session:
            create_demo_staff(session, password_hash=password_hash, created_at=created)
        self.connection.execute(
            StaffUser.__table__.insert(),
            [
                {
                    "email": email,
                    "name": name,
                    "role": Role.SERVICE_MANAGER.value,
                    "password_hash": password_hash,
                    "is_active": True,
                    "created_at": created,
                }
                for email, name in EXTRA_SERVICE_MANAGERS
            ],
        )
        ids = dict(self.connection.execute(select(StaffUser.email, StaffUser.id)).all())
        self.counts["staff_users"] = len(ids)
        self.rental = ids["rental@parkdesk.local"]
        self.events_manager = ids["events@parkdesk.local"]
        self.service_staff = [ids["service@parkdesk.local"]] + [
            ids[email] for email, _ in EXTRA_SERVICE_MANAGERS
        ]

    def _places(self) -> None:
        self._insert(
            Building.__table__,
            [
                {"id": i, "name": name, "address": address}
                for i, (name, address, _) in enumerate(BUILDINGS, 1)
            ],
        )
        rooms: list[dict[str, Any]] = []

        def room(building: int, name: str, kind: RoomKind, capacity: int) -> int:
            rooms.append(
                {
                    "id": len(rooms) + 1,
                    "building_id": building + 1,
                    "name": name,
                    "kind": kind.value,
                    "capacity": capacity,
                }
            )
            return len(rooms)

        # 500 seats at a million orders, fewer for a smaller demo.
        total_seats = min(500, max(40, self.orders // 2000))
        seat_counts = _largest_remainder(total_seats, [r[3] for r in COWORKING_ROOMS])
        seats: list[dict[str, Any]] = []
        self.coworking_rooms: list[tuple[int, list[int]]] = []  # room id, seat ids
        for (building, name, _, _, _), count in zip(COWORKING_ROOMS, seat_counts, strict=True):
            room_id = room(building, name, RoomKind.COWORKING, count)
            first = len(seats) + 1
            seats.extend(
                {"id": first + n, "room_id": room_id, "number": n + 1} for n in range(count)
            )
            self.coworking_rooms.append((room_id, list(range(first, first + count))))
        self.meeting_rooms = [
            room(b, name, RoomKind.MEETING_ROOM, capacity) for b, name, capacity, _ in MEETING_ROOMS
        ]
        self.hotel_rooms: list[tuple[int, int, int]] = []  # room id, category, guests
        for category, (_, _, guests, numbers) in enumerate(HOTEL_CATEGORIES):
            for number in numbers:
                room_id = room(HOTEL_BUILDING, f"Номер {number}", RoomKind.HOTEL_ROOM, guests)
                self.hotel_rooms.append((room_id, category, guests))
        self.hotel_guests = {room_id: guests for room_id, _, guests in self.hotel_rooms}
        self.hall = room(EVENT_HALL[0], EVENT_HALL[1], RoomKind.EVENT_HALL, EVENT_HALL[2])
        self._insert(Room.__table__, rooms)
        self._insert(Seat.__table__, seats)
        self.room_names = {r["id"]: r["name"] for r in rooms}
        self.delivery_places = [f"{short}, офис {n}" for _, _, short in BUILDINGS for n in OFFICES]

    def _services(self) -> None:
        services: list[_Service] = []
        tariff_ids = itertools.count(1)

        def service(
            name: str,
            kind: ServiceType,
            tariffs: Iterable[tuple[str, Unit, int, int]],
            **settings: Any,
        ) -> _Service:
            made = _Service(
                len(services) + 1,
                name,
                kind,
                [
                    _Tariff(next(tariff_ids), t, unit.value, price, most)
                    for t, unit, price, most in tariffs
                ],
                **settings,
            )
            services.append(made)
            return made

        self.coworking_services: dict[int, _Service] = {}
        for (_, _, name, _, factor), (room_id, _) in zip(
            COWORKING_ROOMS, self.coworking_rooms, strict=True
        ):
            self.coworking_services[room_id] = service(
                name,
                ServiceType.COWORKING,
                [
                    (t, unit, int(round(price * factor, -4)), 1)
                    for t, unit, price in COWORKING_TARIFFS
                ],
                room_id=room_id,
                partial=True,
                prepayment_percent=(30, 40, 50)[room_id % 3],  # rooms differ in their terms
            )
        self.meeting_services = {
            room_id: service(
                name, ServiceType.BOOKING, [("Час", Unit.HOUR, price, 1)], room_id=room_id
            )
            for room_id, (_, name, _, price) in zip(self.meeting_rooms, MEETING_ROOMS, strict=True)
        }
        self.hotel_service = service(
            HOTEL_NAME,
            ServiceType.HOTEL,
            [(category, Unit.NIGHT, price, 1) for category, price, _, _ in HOTEL_CATEGORIES],
            partial=True,
            prepayment_percent=50,
        )
        self.event_services = [
            service(
                name,
                ServiceType.EVENT,
                [(t, Unit.PIECE, price, 3) for t, price in tariffs],
                room_id=self.hall,
            )
            for name, tariffs, _, _, _, _ in EVENT_SERIES
        ]
        self.free_services: dict[ServiceType, list[_Service]] = {
            ServiceType.SIMPLE: [
                service(name, ServiceType.SIMPLE, tariffs, cancellable=ok, descriptions=texts)
                for name, ok, tariffs, texts in SIMPLE_SERVICES
            ],
            ServiceType.REQUEST: [
                service(name, ServiceType.REQUEST, tariffs, cancellable=ok, descriptions=texts)
                for name, ok, tariffs, texts in REQUEST_SERVICES
            ],
            ServiceType.GOODS: [
                service(
                    name,
                    ServiceType.GOODS,
                    [(dish, Unit.PIECE, price, 3) for dish, price in dishes],
                    weight=weight,
                )
                for (name, dishes), weight in zip(GOODS_SERVICES, GOODS_WEIGHTS, strict=True)
            ],
        }
        self._insert(
            Service.__table__,
            [
                {
                    "id": s.id,
                    "name": s.name,
                    "type": s.type.value,
                    "description": None,
                    "room_id": s.room_id,
                    "allows_partial_payment": s.partial,
                    "prepayment_percent": s.prepayment_percent if s.partial else 100,
                    "allows_cancellation": s.cancellable,
                    "min_remaining_kopecks": s.min_remaining,
                    "is_active": True,
                }
                for s in services
            ],
        )
        self._insert(
            Tariff.__table__,
            [
                {
                    "id": t.id,
                    "service_id": s.id,
                    "name": t.name,
                    "unit": t.unit,
                    "price_kopecks": t.price,
                }
                for s in services
                for t in s.tariffs
            ],
        )
        self.pick_free_kind = _Pick(FREE_KINDS)
        self.pick_goods = _Pick([(s, s.weight) for s in self.free_services[ServiceType.GOODS]])

    def _persons(self) -> None:
        rng, clock = self.rng, self.clock
        count = max(200, self.orders // 8)
        rows = []
        emails: set[str] = set()  # only asked "taken?", never iterated
        self.phones: list[str | None] = [None]  # by person id
        self.emails: list[str | None] = [None]
        self.names: list[str] = [""]
        self.colleagues: dict[int, list[int]] = {}  # company -> person ids
        self.company_of: list[int | None] = [None]
        for person_id in range(1, count + 1):
            last, first, middle = self._name()
            company = rng.randrange(len(COMPANIES)) if rng.random() < 0.7 else None
            phone = (
                f"+7 9{rng.randint(0, 99):02d} {rng.randint(0, 999):03d}-"
                f"{rng.randint(0, 99):02d}-{rng.randint(0, 99):02d}"
            )
            email = None
            if rng.random() < 0.9:
                domain = COMPANIES[company][1] if company is not None else None
                if domain is None or rng.random() < 0.4:
                    domain = rng.choice(MAIL_DOMAINS)
                first_l, last_l = (
                    first.lower().translate(TRANSLIT),
                    last.lower().translate(TRANSLIT),
                )
                local = rng.choice(
                    (
                        f"{first_l}.{last_l}",
                        f"{first_l[0]}.{last_l}",
                        f"{last_l}{rng.randint(70, 99)}",
                        f"{first_l}{last_l}",
                    )
                )
                email = f"{local}@{domain}"
                suffix = 1
                while email in emails:
                    suffix += 1
                    email = f"{local}{suffix}@{domain}"
                emails.add(email)
            rows.append(
                {
                    "id": person_id,
                    "last_name": last,
                    "first_name": first,
                    "middle_name": middle,
                    "phone": phone,
                    "email": email,
                    "company": COMPANIES[company][0] if company is not None else None,
                    "search_text": person_search_text(last, first, middle),
                    "created_at": _utc(clock.first - rng.randint(DAY, 400 * DAY)),
                }
            )
            self.phones.append(phone)
            self.emails.append(email)
            self.names.append(f"{first} {last}")
            self.company_of.append(company)
            if company is not None:
                self.colleagues.setdefault(company, []).append(person_id)
            if len(rows) == FLUSH_ORDERS:
                self._insert(Person.__table__, rows)
                rows = []
        self._insert(Person.__table__, rows)
        # Some customers order much more often than others (a Zipf-like tail).
        self.customer_cum = list(itertools.accumulate(1 / (i + 5) ** 0.8 for i in range(count)))
        self.person_ids = list(range(1, count + 1))

    def _name(self) -> tuple[str, str, str | None]:
        rng = self.rng
        female = rng.random() < 0.45
        last = rng.choice(LAST_NAMES)
        if female:
            if last.endswith(("ов", "ёв", "ев", "ин")):
                last += "а"
            elif last.endswith(("ский", "цкий", "ой")):
                last = last[:-2] + "ая"
        first = rng.choice(FEMALE_FIRST if female else MALE_FIRST)
        middle = rng.choice(PATRONYMICS)[female] if rng.random() < 0.9 else None
        return last, first, middle

    def _events(self) -> None:
        rng, clock = self.rng, self.clock
        pick_series = _Pick({i: series[4] for i, series in enumerate(EVENT_SERIES)})
        editions = [0] * len(EVENT_SERIES)
        self.events: list[_Event] = []
        for week in range(0, clock.bookable_days, 7):
            days = [
                d
                for d in range(week, min(week + 7, clock.bookable_days))
                if clock.dates[d].weekday() < 6
            ]
            for day in sorted(rng.sample(days, min(len(days), rng.choice((2, 3, 3, 4))))):
                index = pick_series(rng)
                name, _, hour, minutes, _, topics = EVENT_SERIES[index]
                editions[index] += 1
                start = clock.at(day, hour)
                self.events.append(
                    _Event(
                        len(self.events) + 1,
                        self.event_services[index],
                        f"{name}: {rng.choice(topics)} (№{editions[index]})",
                        start,
                        start + minutes * MINUTE,
                        rng.randrange(50, 301, 10),
                    )
                )
        self._insert(
            Event.__table__,
            [
                {
                    "id": e.id,
                    "title": e.title,
                    "service_id": e.service.id,
                    "room_id": self.hall,
                    "starts_at": _utc(e.start),
                    "ends_at": _utc(e.end),
                    "capacity": e.capacity,
                }
                for e in self.events
            ],
        )

    # -- timelines -----------------------------------------------------------

    def _created(self, start: int, lead: int) -> int:
        """When an order for something starting at ``start`` was placed, ``lead``
        seconds ahead — kept inside the demo year and at least an hour before now."""
        rng, clock = self.rng, self.clock
        latest = min(start, clock.now - HOUR)
        created = start - lead
        if created > latest:
            created = latest - rng.randint(0, 2 * DAY)
        if created < clock.first:
            created = clock.first + rng.randint(0, max(0, latest - clock.first))
        return created

    def _plan_coworking(self) -> list[_Plan]:
        """Tickets per seat, walking each seat's timeline forward day by day, so that
        no two tickets of a seat ever overlap (cancelled ones included)."""
        rng, clock = self.rng, self.clock
        seats = [(room_id, seat) for room_id, seat_ids in self.coworking_rooms for seat in seat_ids]
        busyness = [clock.busyness(d) for d in range(clock.bookable_days)]
        per_seat = COWORKING_SHARE * self.orders / len(seats)
        density = per_seat / sum(busyness)  # tickets per seat per ordinary day
        # A month pass blocks its seat for 30 days: the busier the seats, the rarer
        # month passes, else the walk could not place the tickets asked for.
        month_share = min(0.10, 0.35 / (29 * density))
        day_share = (1 - month_share) * 0.4
        per_used_day = month_share + day_share + (1 - month_share - day_share) * 2.0
        use_chance = density / (per_used_day - 29 * month_share * density)
        # One month pass per room covers today, so that tickets are active whenever
        # the demo is opened.
        anchors = {
            seat_ids[0]: clock.today - rng.randint(3, 25) for _, seat_ids in self.coworking_rooms
        }
        plans: list[_Plan] = []
        for room_id, seat in seats:
            service = self.coworking_services[room_id]
            hourly, daily, monthly = service.tariffs
            anchor = anchors.get(seat, clock.bookable_days + 30)
            day = 0
            while day < clock.bookable_days:
                if day == anchor:
                    plans.append(
                        self._ticket(
                            service,
                            monthly,
                            seat,
                            clock.at(day, 0),
                            clock.at(day + 30, 0),
                            1,
                            day,
                            lead=5 * DAY,
                        )
                    )
                    plans[-1].status, plans[-1].pinned = St.CONFIRMED, True
                    day += 30
                    continue
                if rng.random() >= use_chance * busyness[day]:
                    day += 1
                    continue
                r = rng.random()
                if r < month_share and day + 30 <= anchor:
                    plans.append(
                        self._ticket(
                            service,
                            monthly,
                            seat,
                            clock.at(day, 0),
                            clock.at(day + 30, 0),
                            1,
                            day,
                            lead=rng.randint(DAY, 20 * DAY),
                        )
                    )
                    day += 30
                    continue
                if r < month_share + day_share:
                    plans.append(
                        self._ticket(
                            service,
                            daily,
                            seat,
                            clock.at(day, 9),
                            clock.at(day, 21),
                            1,
                            day,
                            lead=rng.randint(HOUR, 7 * DAY),
                        )
                    )
                else:
                    hour = 9
                    for _ in range(rng.choice((1, 2, 2, 3))):
                        hour += rng.choice((0, 0, 1, 2))
                        length = rng.choice((2, 2, 3, 4))
                        if hour + length > 21:
                            break
                        plans.append(
                            self._ticket(
                                service,
                                hourly,
                                seat,
                                clock.at(day, hour),
                                clock.at(day, hour + length),
                                length,
                                day,
                                lead=rng.randint(30 * MINUTE, 2 * DAY),
                            )
                        )
                        hour += length
                day += 1
        return plans

    def _ticket(
        self,
        service: _Service,
        tariff: _Tariff,
        seat: int,
        start: int,
        end: int,
        quantity: int,
        day: int,
        *,
        lead: int,
    ) -> _Plan:
        return _Plan(
            ServiceType.COWORKING,
            self._created(start, lead),
            start,
            end,
            service,
            tariff,
            seat,
            quantity,
            day,
        )

    def _plan_meeting_rooms(self) -> list[_Plan]:
        """Meeting-room bookings, placed one after another within each room's day."""
        rng, clock = self.rng, self.clock
        busyness = [clock.busyness(d) for d in range(clock.bookable_days)]
        target = BOOKING_SHARE * self.orders
        per_day = min(3.5, target / (len(self.meeting_rooms) * sum(busyness)))
        plans = []
        for room_id in self.meeting_rooms:
            service = self.meeting_services[room_id]
            for day in range(clock.bookable_days):
                expected = per_day * busyness[day]
                count = int(expected) + (rng.random() < expected - int(expected))
                hour = 9
                for _ in range(count):
                    hour += rng.choice((0, 1, 1, 2, 3))
                    length = rng.choice((1, 1, 2, 2, 3))
                    if hour + length > 21:
                        break
                    start = clock.at(day, hour)
                    plans.append(
                        _Plan(
                            ServiceType.BOOKING,
                            self._created(start, rng.randint(HOUR, 10 * DAY)),
                            start,
                            clock.at(day, hour + length),
                            service,
                            service.tariffs[0],
                            room_id,
                            length,
                            day,
                        )
                    )
                    hour += length
        return plans

    def _plan_hotel(self) -> list[_Plan]:
        """Hotel stays, one after another per room, with gaps sized for the target."""
        rng, clock = self.rng, self.clock
        nights_pick = _Pick({1: 20, 2: 25, 3: 20, 4: 12, 5: 8, 7: 8, 10: 4, 14: 3})
        mean_nights = 3.6
        target = HOTEL_SHARE * self.orders
        occupancy = min(0.85, target * mean_nights / (len(self.hotel_rooms) * clock.bookable_days))
        mean_gap = mean_nights * (1 - occupancy) / occupancy
        plans = []
        for room_id, category, _ in self.hotel_rooms:
            tariff = self.hotel_service.tariffs[category]
            day = int(rng.expovariate(1 / mean_gap))
            while day < clock.bookable_days:
                # Far-off nights are not booked up yet.
                if day > clock.today and rng.random() < (day - clock.today) / (AHEAD_DAYS + 30):
                    day += 1
                    continue
                nights = nights_pick(rng)
                start, end = clock.at(day, 14), clock.at(day + nights, 12)
                plans.append(
                    _Plan(
                        ServiceType.HOTEL,
                        self._created(start, int(rng.expovariate(1 / (10 * DAY))) + HOUR),
                        start,
                        end,
                        self.hotel_service,
                        tariff,
                        room_id,
                        nights,
                        day,
                    )
                )
                day += nights + int(rng.expovariate(1 / mean_gap))
        return plans

    def _plan_events(self) -> list[_Plan]:
        """Ticket orders per event, never more tickets than the hall's seats for it."""
        rng, clock = self.rng, self.clock
        target = EVENT_SHARE * self.orders
        sellable = []
        for event in self.events:
            if event.start < clock.now:
                fill = rng.uniform(0.45, 0.95)
            else:
                fill = rng.uniform(0.2, 0.7) * (1 - (event.start - clock.now) / (90 * DAY))
            sellable.append(max(1, int(event.capacity * fill)))
        shares = _largest_remainder(min(round(target), sum(sellable)), sellable)
        tickets_pick = _Pick({1: 65, 2: 25, 3: 10})
        plans = []
        for event, share, most in zip(self.events, shares, sellable, strict=True):
            sold = 0
            tariff_pick = _Pick(
                [(t, 6 if i == 0 else 2) for i, t in enumerate(event.service.tariffs)]
            )
            for _ in range(share):
                tickets = min(tickets_pick(rng), most - sold)
                if tickets <= 0:
                    break
                sold += tickets
                lead = min(45 * DAY, int(rng.expovariate(1 / (7 * DAY)))) + HOUR
                plans.append(
                    _Plan(
                        ServiceType.EVENT,
                        self._created(event.start, lead),
                        event.start,
                        event.end,
                        event.service,
                        tariff_pick(rng),
                        event.id,
                        tickets,
                        clock.day_of(event.start),
                    )
                )
        return plans

    def _deal_period_statuses(self, plans: list[_Plan]) -> None:
        pools: dict[tuple[ServiceType, str], list[_Plan]] = {}
        for plan in plans:
            if not plan.pinned:
                pools.setdefault((plan.kind, self._phase(plan)), []).append(plan)
        for (_, phase), pool in pools.items():
            weights = PERIOD_STATUSES[phase]
            if not pool[0].service.partial:
                weights = {s: w for s, w in weights.items() if s != St.CONFIRMED_BALANCE_DUE}
            for plan, status in zip(pool, _deal(self.rng, len(pool), weights), strict=True):
                plan.status = status

    def _phase(self, plan: _Plan) -> str:
        now = self.clock.now
        return PAST if plan.end <= now else RUNNING if plan.start <= now else FUTURE

    # -- the year, day by day ------------------------------------------------

    def _write_year(self, plans: list[_Plan], advance: Callable[[int], object]) -> None:
        rng, clock = self.rng, self.clock
        # Each day's orders as (created, kind, plan or status).
        by_day: list[list[tuple[int, ServiceType, _Plan | St]]] = [[] for _ in range(clock.today)]
        for plan in plans:
            by_day[clock.day_of(plan.created)].append((plan.created, plan.kind, plan))
        free = self.orders - len(plans)
        weights = [clock.busyness(d) * (0.8 + 0.4 * d / clock.today) for d in range(clock.today)]
        per_day = _largest_remainder(free, weights)
        for day, created, kind, status in self._recent_free_orders(per_day):
            by_day[day].append((created, kind, status))
        settled = {
            ServiceType.GOODS: _Pick(GOODS_SETTLED),
            ServiceType.SIMPLE: _Pick(WORK_SETTLED),
            ServiceType.REQUEST: _Pick(WORK_SETTLED),
        }

        for day in range(clock.today):
            todays = by_day[day]
            if day < clock.today - DEAL_DAYS:
                todays += [
                    (created, kind, settled[kind](rng))
                    for created, kind in self._free_orders(day, per_day[day])
                ]
            todays.sort(key=lambda entry: entry[0])  # stable: ties keep their order
            for created, kind, detail in todays:
                if isinstance(detail, _Plan):
                    self.planned_order[detail.kind](detail)
                else:
                    self._free_order(kind, created, detail)
            by_day[day] = []
            buffered = len(self.rows.orders) + len(self.rows.form_orders)
            if buffered >= FLUSH_ORDERS or day == clock.today - 1:
                self._flush()
                advance(buffered)

    def _recent_free_orders(self, per_day: list[int]) -> list[tuple[int, int, ServiceType, St]]:
        """The last fortnight's free orders with dealt statuses, so that even a small
        demo has orders in work and awaiting confirmation: (day, created, kind, status)."""
        clock = self.clock
        made: list[tuple[int, int, ServiceType]] = []
        pools: dict[tuple[bool, int], list[int]] = {}  # (goods?, age band) -> indexes
        for day in range(clock.today - DEAL_DAYS, clock.today):
            for created, kind in self._free_orders(day, per_day[day]):
                goods = kind == ServiceType.GOODS
                age = clock.now - created
                bands = GOODS_STATUSES if goods else WORK_STATUSES
                band = next((i for i, (younger, _) in enumerate(bands) if age < younger), -1)
                pools.setdefault((goods, band), []).append(len(made))
                made.append((day, created, kind))
        statuses: list[St] = [St.NEW] * len(made)
        for (goods, band), indexes in pools.items():
            if band >= 0:
                weights = (GOODS_STATUSES if goods else WORK_STATUSES)[band][1]
            else:
                weights = GOODS_SETTLED if goods else WORK_SETTLED
            for index, status in zip(indexes, _deal(self.rng, len(indexes), weights), strict=True):
                statuses[index] = status
        return [
            (day, created, kind, status)
            for (day, created, kind), status in zip(made, statuses, strict=True)
        ]

    def _free_orders(self, day: int, count: int) -> list[tuple[int, ServiceType]]:
        """A day's orders of simple services, requests and the cafe: when and which kind."""
        rng, clock = self.rng, self.clock
        orders = []
        for _ in range(count):
            kind = self.pick_free_kind(rng)
            if kind == ServiceType.GOODS:  # lunchtime
                created = clock.at(day, 11) + rng.randint(0, 4 * HOUR)
            else:
                created = clock.at(day, 8) + rng.randint(0, 12 * HOUR)
            orders.append((created, kind))
        return orders

    # -- orders --------------------------------------------------------------

    def _customer(self) -> int:
        return self.rng.choices(self.person_ids, cum_weights=self.customer_cum)[0]

    def _someone(self) -> int:
        return self.rng.randint(1, len(self.person_ids))

    def _payer(self, customer: int) -> int:
        """Usually the customer; sometimes a colleague of the same company pays."""
        company = self.company_of[customer]
        if company is None or self.rng.random() < 0.9:
            return customer
        return self.rng.choice(self.colleagues[company])

    def _coworking_order(self, plan: _Plan) -> None:
        rng = self.rng
        service, tariff = plan.service, plan.tariff
        customer = self._customer()
        visitor = customer if rng.random() < 0.8 else self._someone()
        monthly = tariff.unit == Unit.MONTH.value
        items = [
            (f"{service.name}, тариф «{tariff.name}»", plan.quantity, tariff.unit, tariff.price)
        ]
        modifiers: list[str] = []
        if rng.random() < 0.2:
            modifiers = sorted(rng.sample(list(COWORKING_MODIFIERS), rng.choice((1, 1, 1, 2))))
            for code in modifiers:
                name, per_day, per_month = COWORKING_MODIFIERS[code]
                items.append((name, 1, Unit.PIECE.value, per_month if monthly else per_day))
        parts = PARTS["month" if monthly else "coworking"]
        order_id, status = self._order(
            plan.created,
            service,
            customer,
            items,
            plan.status,
            due=plan.start,
            finished=plan.end,
            parts=rng.choices(*parts)[0],
            desk=self.rental,
        )
        validated_at = None
        if (
            status in (St.CONFIRMED, St.CONFIRMED_BALANCE_DUE, St.DONE)
            and plan.start < self.clock.now
            and rng.random() < VALIDATED_SHARE
        ):
            validated_at = _utc(
                min(
                    self.clock.cap,
                    max(plan.created, plan.start + rng.randint(-15 * MINUTE, 45 * MINUTE)),
                )
            )
        ticket_id = self._take("ticket")
        self.rows.tickets.append(
            {
                "id": ticket_id,
                "number": 500_000 + ticket_id,
                "order_id": order_id,
                "visitor_id": visitor,
                "seat_id": plan.place,
                "tariff_id": tariff.id,
                "variant": "Закреплённое место" if monthly else "Незакреплённое место",
                "period_start": _utc(plan.start),
                "period_end": _utc(plan.end),
                "modifiers": modifiers,
                "validated_at": validated_at,
                "validated_by_id": self.rental if validated_at else None,
                "created_at": _utc(plan.created),
            }
        )

    def _booking_order(self, plan: _Plan) -> None:
        rng = self.rng
        service, tariff = plan.service, plan.tariff
        customer = self._customer()
        visitors = [self.names[customer]] + [
            self.names[self._someone()] for _ in range(rng.randint(0, 5))
        ]
        items = [(f"{service.name}, {plan.quantity} ч", plan.quantity, tariff.unit, tariff.price)]
        if rng.random() < 0.25:
            items.append(("Кофе-брейк на одного", len(visitors), Unit.PIECE.value, 35_000))
        order_id, _ = self._order(
            plan.created,
            service,
            customer,
            items,
            plan.status,
            due=plan.start,
            finished=plan.end,
            parts=rng.choices(*PARTS[ServiceType.BOOKING])[0],
            desk=self.rental,
        )
        booking_id = self._take("room")
        self.rows.rooms.append(
            {
                "id": booking_id,
                "order_id": order_id,
                "room_id": plan.place,
                "starts_at": _utc(plan.start),
                "ends_at": _utc(plan.end),
                "visitors": visitors,
            }
        )

    def _hotel_order(self, plan: _Plan) -> None:
        rng = self.rng
        nights, tariff = plan.quantity, plan.tariff
        guests = self.hotel_guests[plan.place]
        adults = rng.randint(1, min(2, guests))
        children = rng.randint(0, guests - adults) if rng.random() < 0.3 else 0
        extras = [code for code in HOTEL_EXTRAS if rng.random() < 0.2][:2]
        items = [(f"Проживание, номер «{tariff.name}»", nights, tariff.unit, tariff.price)]
        for code in extras:
            name, price = HOTEL_EXTRAS[code]
            items.append(
                (name, nights * adults if code == "breakfast" else 1, Unit.PIECE.value, price)
            )
        order_id, _ = self._order(
            plan.created,
            plan.service,
            self._customer(),
            items,
            plan.status,
            due=plan.start,
            finished=plan.end,
            parts=rng.choices(*PARTS[ServiceType.HOTEL])[0],
            desk=self.rental,
        )
        booking_id = self._take("hotel")
        self.rows.hotel.append(
            {
                "id": booking_id,
                "order_id": order_id,
                "room_id": plan.place,
                "check_in": self.clock.dates[plan.day],
                "check_out": self.clock.dates[plan.day + nights],
                "nights": nights,
                "adults": adults,
                "children": children,
                "extras": extras,
            }
        )

    def _event_order(self, plan: _Plan) -> None:
        rng, clock = self.rng, self.clock
        tariff = plan.tariff
        customer = self._customer()
        items = [
            (
                f"{plan.service.name}, {tariff.name.lower()}",
                plan.quantity,
                tariff.unit,
                tariff.price,
            )
        ]
        order_id, status = self._order(
            plan.created,
            plan.service,
            customer,
            items,
            plan.status,
            due=plan.start,
            finished=plan.end,
            parts=1,
            desk=self.rental,
        )
        # Only paid tickets of an event that has taken place were scanned at the door.
        attended = plan.start < clock.now and status in (St.CONFIRMED, St.DONE)
        for n in range(plan.quantity):
            checked_in = None
            if attended and rng.random() < CHECKED_IN_SHARE:
                checked_in = _utc(
                    min(clock.cap, plan.start + rng.randint(-40 * MINUTE, 20 * MINUTE))
                )
            ticket_id = self._take("event_ticket")
            self.rows.event_tickets.append(
                {
                    "id": ticket_id,
                    "number": 900_000 + ticket_id,
                    "order_id": order_id,
                    "event_id": plan.place,
                    "attendee_id": customer if n == 0 else self._someone(),
                    "qr_token": self._qr_token(),
                    "checked_in_at": checked_in,
                    "checked_in_by_id": self.events_manager if checked_in else None,
                }
            )

    def _qr_token(self) -> str:
        """22 URL-safe characters (128 bits) from the seeded generator, never repeated."""
        while True:
            token = base64.urlsafe_b64encode(self.rng.randbytes(16)).rstrip(b"=").decode()
            if token not in self.qr_tokens:
                self.qr_tokens.add(token)
                return token

    def _free_order(self, kind: ServiceType, created: int, status: St) -> None:
        """An order of a simple service, a request or the cafe."""
        rng = self.rng
        customer = self._customer()
        if kind == ServiceType.GOODS:
            service = self.pick_goods(rng)
            dishes = rng.sample(service.tariffs, min(len(service.tariffs), rng.randint(2, 3)))
            items = [(d.name, rng.randint(1, d.max_quantity), d.unit, d.price) for d in dishes]
            finished = created + rng.randint(20 * MINUTE, 90 * MINUTE)
            place = (
                rng.choice(self.delivery_places)
                if rng.random() < 0.6
                else rng.choice(
                    (
                        "Самовывоз",
                        "Ресепшн, корпус А",
                        *[self.room_names[r] for r in self.meeting_rooms],
                    )
                )
            )
            self._order(
                created,
                service,
                customer,
                items,
                status,
                due=finished,
                finished=finished,
                parts=rng.choices(*PARTS[kind])[0],
                desk=rng.choice(self.service_staff),
                delivery_place=place,
                executor=rng.choice(self.service_staff) if rng.random() < 0.3 else None,
            )
            return
        services = self.free_services[kind]
        if status in MANUAL_CANCELS:
            services = [s for s in services if s.cancellable]
        service = rng.choice(services)
        tariff = rng.choice(service.tariffs)
        items = [(tariff.name, rng.randint(1, tariff.max_quantity), tariff.unit, tariff.price)]
        finished = created + rng.randint(2 * HOUR, 2 * DAY)
        assigned = rng.random() < (0.4 if status in (St.NEW, St.NEW_PAYMENT_PENDING) else 0.92)
        form = {
            "building": rng.choice(BUILDINGS)[0],
            "office": str(rng.choice(OFFICES)),
            "description": rng.choice(service.descriptions),
        }
        self._order(
            created,
            service,
            customer,
            items,
            status,
            due=finished,
            finished=finished,
            parts=rng.choices(*PARTS[kind])[0],
            desk=rng.choice(self.service_staff),
            form_fields=form,
            executor=rng.choice(self.service_staff) if assigned else None,
            deadline=created + rng.choice((1, 2, 3)) * DAY,
        )

    def _take(self, counter: str) -> int:
        value = self.next_id[counter]
        self.next_id[counter] = value + 1
        return value

    def _order(
        self,
        created: int,
        service: _Service,
        customer: int,
        items: list[tuple[str, int, str, int]],
        status: St,
        *,
        due: int,
        finished: int,
        parts: int,
        desk: int,
        executor: int | None = None,
        deadline: int | None = None,
        delivery_place: str | None = None,
        form_fields: dict[str, str] | None = None,
    ) -> tuple[int, St]:
        """Buffer one order with its items, payments and conversation; returns its id
        and status, which falls back to a plainer one when there is nothing to refund
        or to prepay."""
        rng, clock = self.rng, self.clock
        order_id = self._take("order")
        total = 0
        for name, quantity, unit, price in items:
            amount = quantity * price
            total += amount
            self.rows.items.append(
                {
                    "id": self._take("item"),
                    "order_id": order_id,
                    "name": name,
                    "quantity": quantity,
                    "unit": unit,
                    "unit_price_kopecks": price,
                    "amount_kopecks": amount,
                }
            )
        prepayment = _prepayment(total, service.prepayment_percent, service.min_remaining)
        if total == 0 and status in (St.CANCELLED_REFUND_PENDING, St.CANCELLED_REFUNDED):
            status = St.CANCELLED
        elif status == St.CONFIRMED_BALANCE_DUE and prepayment == 0:
            status = St.CONFIRMED
        method = self._order_method(status)

        # The ledger, oldest first: (kind, amount, when).
        ledger: list[tuple[PaymentKind, int, int]] = []
        first = min(clock.cap, created + rng.randint(MINUTE, 30 * MINUTE))
        pay_until = max(first, min(due, clock.cap))
        if status in PAID_IN_FULL and total > 0:
            amounts = _split(rng, total, parts, service.min_remaining)
            times = [first, *sorted(rng.randint(first, pay_until) for _ in amounts[1:])]
            ledger = [(PaymentKind.PAYMENT, a, t) for a, t in zip(amounts, times, strict=True)]
        elif status == St.CONFIRMED_BALANCE_DUE:
            ledger = [(PaymentKind.PAYMENT, prepayment, first)]
        elif status in (St.CANCELLED_REFUND_PENDING, St.CANCELLED_REFUNDED):
            ledger = [
                (
                    PaymentKind.PAYMENT,
                    prepayment if service.partial and prepayment else total,
                    first,
                )
            ]
        changed = self._status_changed(status, created, first, pay_until, finished, ledger)
        if status == St.CANCELLED_REFUNDED:
            ledger.append((PaymentKind.REFUND, ledger[0][1], changed))

        paid = 0
        first_payment_id = 0
        for entry_kind, amount, when in ledger:
            payment_id = self._take("payment")
            refund = entry_kind == PaymentKind.REFUND
            paid += -amount if refund else amount
            first_payment_id = first_payment_id or payment_id
            # Later instalments are often paid another way than the first.
            entry_method = (
                method if refund or payment_id == first_payment_id else self.pick_method(rng)
            )
            self.rows.payments.append(
                {
                    "id": payment_id,
                    "order_id": order_id,
                    "kind": entry_kind.value,
                    "amount_kopecks": amount,
                    "method": entry_method.value,
                    "paid_at": _utc(when),
                    "external_number": self._external_number(entry_method),
                    "recorded_by_id": desk if entry_method in RECORDED_BY_STAFF else None,
                    "refund_of_id": first_payment_id if refund else None,
                    "idempotency_key": None,
                }
            )

        row = {
            "id": order_id,
            "number": 100_000 + order_id,
            "created_at": _utc(created),
            "service_id": service.id,
            "customer_id": customer,
            "payer_id": self._payer(customer),
            "status": status.value,
            "executor_id": executor,
            "deadline": _utc(deadline) if deadline else None,
            "comment": rng.choice(ORDER_COMMENTS) if rng.random() < 0.1 else None,
            "contact_phone": self.phones[customer],
            "contact_email": self.emails[customer],
            "payment_method": method.value,
            "delivery_place": delivery_place,
            "total_kopecks": total,
            "paid_kopecks": paid,
            "status_changed_at": _utc(changed),
        }
        if form_fields is None:
            self.rows.orders.append(row)
        else:
            row["form_fields"] = form_fields
            self.rows.form_orders.append(row)
        if rng.random() < MESSAGE_SHARE:
            self._conversation(order_id, customer, created, status, changed, ledger, desk)
        return order_id, status

    def _order_method(self, status: St) -> PaymentMethod:
        if status in (St.NEW_AWAITING_INVOICE, St.INVOICE_ISSUED):
            return PaymentMethod.BANK_TRANSFER
        if status in (St.NEW_PAYMENT_PENDING, St.CANCELLED_PAYMENT_FAILED):
            return PaymentMethod.ONLINE_GATEWAY
        return self.pick_method(self.rng)

    def _external_number(self, method: PaymentMethod) -> str | None:
        if method in RECORDED_BY_STAFF:
            return None
        if method == PaymentMethod.BANK_TRANSFER:
            return f"п/п № {self.rng.randint(100, 99_999)}"
        return f"{self.rng.randint(10**11, 10**12 - 1)}"

    def _status_changed(
        self,
        status: St,
        created: int,
        first: int,
        pay_until: int,
        finished: int,
        ledger: list[tuple[PaymentKind, int, int]],
    ) -> int:
        """When the order got its status, consistent with its payments."""
        rng = self.rng
        if status in (St.NEW, St.NEW_PAYMENT_PENDING, St.NEW_AWAITING_INVOICE):
            return created
        if status == St.INVOICE_ISSUED:
            return self._by_now(created, created + rng.randint(HOUR, DAY))
        if status == St.CANCELLED_PAYMENT_FAILED:
            return self._by_now(created, created + rng.randint(5 * MINUTE, 40 * MINUTE))
        if status in (St.CONFIRMED, St.CONFIRMED_BALANCE_DUE):
            return ledger[-1][2] if ledger else first
        if status == St.IN_PROGRESS:
            return _between(rng, created + 10 * MINUTE, min(self.clock.cap, finished))
        if status == St.DONE_AWAITING_CONFIRMATION:
            return self._by_now(created, finished)
        if status == St.DONE:  # confirmed by the customer, or by the 3-day timeout
            paid = ledger[-1][2] if ledger else created
            return self._by_now(paid, max(paid, finished + rng.randint(HOUR, 3 * DAY)))
        if status == St.CANCELLED:
            return _between(rng, created, pay_until)
        cancelled = _between(rng, first + MINUTE, pay_until)
        if status == St.CANCELLED_REFUNDED:
            return self._by_now(cancelled, cancelled + rng.randint(HOUR, 5 * DAY))
        return cancelled  # refund pending

    def _by_now(self, earliest: int, moment: int) -> int:
        """``moment``, or a moment between ``earliest`` and now when it has not come yet."""
        cap = self.clock.cap
        return moment if moment <= cap else _between(self.rng, min(earliest, cap), cap)

    def _conversation(
        self,
        order_id: int,
        customer: int,
        created: int,
        status: St,
        changed: int,
        ledger: list[tuple[PaymentKind, int, int]],
        desk: int,
    ) -> None:
        """Messages on an order: the system's notes on payments and the status, and
        sometimes a question from the customer with an answer, or a staff note."""
        rng, cap = self.rng, self.clock.cap
        # (when, visibility, staff author, person author, text)
        messages: list[tuple[int, MessageVisibility, int | None, int | None, str]] = []
        for entry_kind, amount, when in ledger:
            note = (
                f"Возврат {_rubles(amount)} выполнен"
                if entry_kind == PaymentKind.REFUND
                else f"Оплата {_rubles(amount)} получена"
            )
            messages.append((when, MessageVisibility.SYSTEM, None, None, note))
        if status != St.NEW:
            label = STATUS_NOTES[status]
            messages.append(
                (changed, MessageVisibility.SYSTEM, None, None, f"Статус изменён на «{label}»")
            )
        if rng.random() < 0.5:
            asked = min(cap, created + rng.randint(MINUTE, 2 * HOUR))
            messages.append(
                (asked, MessageVisibility.PUBLIC, None, customer, rng.choice(CUSTOMER_QUESTIONS))
            )
            if rng.random() < 0.7:
                messages.append(
                    (
                        min(cap, asked + rng.randint(5 * MINUTE, 2 * HOUR)),
                        MessageVisibility.PUBLIC,
                        desk,
                        None,
                        rng.choice(STAFF_REPLIES),
                    )
                )
        if rng.random() < 0.2 or status in CANCELLED_STATUSES:
            messages.append(
                (
                    min(cap, created + rng.randint(MINUTE, DAY)),
                    MessageVisibility.INTERNAL,
                    desk,
                    None,
                    rng.choice(INTERNAL_NOTES),
                )
            )
        messages.sort(key=lambda m: m[0])
        for when, visibility, staff, person, body in messages:
            self.rows.messages.append(
                {
                    "id": self._take("message"),
                    "order_id": order_id,
                    "visibility": visibility.value,
                    "author_staff_id": staff,
                    "author_person_id": person,
                    "text": body,
                    "created_at": _utc(when),
                }
            )
